import { useState } from 'react';
import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useApi } from '../../api/ApiContext.js';
import { resultFileLink } from './queries.js';

/** Asks for a fresh presigned link (they expire) at the click, then lets the browser download it. */
export function DownloadButton({ simulationId, fileKey }: { simulationId: string; fileKey: string }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const name = fileKey.split('/').at(-1) ?? fileKey;
  return (
    <Button
      size="xs"
      variant="subtle"
      loading={busy}
      aria-label={`Download ${name}`}
      onClick={() => {
        setBusy(true);
        resultFileLink(api, simulationId, fileKey)
          .then((url) => window.location.assign(url))
          .catch((error: Error) =>
            notifications.show({ color: 'red', title: 'No link', message: error.message }),
          )
          .finally(() => setBusy(false));
      }}
    >
      Download
    </Button>
  );
}
