import { Alert, Button, Code, CopyButton, Group, Modal, Stack } from '@mantine/core';

/** A webhook's signing secret, shown this once (the API never answers it again), with a copy button. */
export function SecretOnceModal({ secret, onClose }: { secret: string | undefined; onClose: () => void }) {
  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={secret !== undefined}
      onClose={onClose}
      title="Signing secret"
    >
      <Stack gap="sm">
        <Alert color="yellow" title="Shown once">
          Store it where your receiver verifies signatures (Standard Webhooks): it is never shown again. After
          a rotation the old secret keeps signing for a day.
        </Alert>
        <Code block data-testid="signing-secret" style={{ wordBreak: 'break-all' }}>
          {secret}
        </Code>
        <Group justify="space-between">
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy}>
                {copied ? 'Copied' : 'Copy secret'}
              </Button>
            )}
          </CopyButton>
          <Button onClick={onClose}>I have stored it</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
