import { Alert, Button, Stack, Text, Title } from '@mantine/core';
import { useLocation } from 'react-router';
import { useSession } from './SessionContext.js';

/** What a signed-out visitor sees on any page: why (when a renew failed), and the way in, back to this page. */
export function SignInScreen() {
  const session = useSession();
  const location = useLocation();
  return (
    <Stack maw={480} mx="auto" mt="xl" gap="md">
      <Title order={2}>Sign in</Title>
      {session.signedOutReason ? (
        <Alert color="yellow" title="Signed out" role="alert">
          {session.signedOutReason}
        </Alert>
      ) : null}
      <Text>Sign in to submit, follow and compare your GEOS-Chem simulations.</Text>
      <Button
        onClick={() => void session.signIn(`${location.pathname}${location.search}${location.hash}`)}
        w="fit-content"
      >
        Sign in
      </Button>
    </Stack>
  );
}
