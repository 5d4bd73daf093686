import { Anchor, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <>
      <Title order={2}>Page not found</Title>
      <Text>
        There is no page at this address.{' '}
        <Anchor component={Link} to="/simulations">
          See your simulations
        </Anchor>
        .
      </Text>
    </>
  );
}
