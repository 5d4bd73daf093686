import { Image, Loader, Text } from '@mantine/core';
import { useResultFileLink } from './queries.js';

/** A PNG of the simulation's results (a preview or a difference map), through its presigned link. */
export function MapImage({
  simulationId,
  fileKey,
  alt,
  style,
}: {
  simulationId: string;
  fileKey: string;
  alt: string;
  style?: React.CSSProperties;
}) {
  const link = useResultFileLink(simulationId, fileKey);
  if (link.isPending) return <Loader size="sm" aria-label={`Loading ${alt}`} />;
  if (link.isError) return <Text c="red">{`${alt}: ${link.error.message}`}</Text>;
  return <Image src={link.data} alt={alt} style={style} fit="contain" />;
}
