import { useId } from 'react';
import { SegmentedControl, Text, useMatches } from '@mantine/core';

/**
 * A segmented control with a visible label tied to it (Mantine's has none),
 * its choices one above the other on a phone-width screen, and an error
 * message under it.
 */
export function LabelledSegmentedControl<Value extends string>({
  label,
  value,
  data,
  onChange,
  error,
}: {
  label: string;
  value: Value;
  data: readonly { value: Value; label: string }[];
  onChange: (value: Value) => void;
  error?: string | undefined;
}) {
  const labelId = useId();
  const orientation = useMatches<'vertical' | 'horizontal'>({ base: 'vertical', sm: 'horizontal' });
  return (
    <div>
      <Text id={labelId} size="sm" fw={500} mb={4}>
        {label}
      </Text>
      <SegmentedControl
        aria-labelledby={labelId}
        orientation={orientation}
        value={value}
        data={[...data]}
        onChange={(chosen) => onChange(chosen as Value)}
      />
      {error && (
        <Text c="red" size="sm">
          {error}
        </Text>
      )}
    </div>
  );
}
