import { AppShell, Badge, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useLocation } from 'react-router';
import { useSession } from '../auth/SessionContext.js';
import { SignInScreen } from '../auth/SignInScreen.js';

const NAV = [
  { to: '/simulations', label: 'Simulations' },
  { to: '/simulations/new', label: 'New simulation' },
  { to: '/costs', label: 'Costs and budgets' },
  { to: '/subscriptions', label: 'Subscriptions' },
];

/** Who is signed in, and the way out. */
function SessionMenu() {
  const session = useSession();
  if (!session.user) return null;
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm" visibleFrom="xs" data-testid="signed-in-user">
        {session.user.username}
      </Text>
      {session.user.isAdmin ? (
        <Badge variant="light" visibleFrom="xs">
          admin
        </Badge>
      ) : null}
      <Button variant="default" size="xs" onClick={() => void session.signOut()}>
        Sign out
      </Button>
    </Group>
  );
}

/** Header, navigation (a drawer on phone-width screens) and the page; the sign-in screen when signed out. */
export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const session = useSession();
  const signedIn = session.user !== undefined;
  const current = NAV.filter((item) => pathname === item.to || pathname.startsWith(`${item.to}/`)).sort(
    (a, b) => b.to.length - a.to.length,
  )[0];
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened, desktop: !signedIn } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            {signedIn ? (
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label="Toggle navigation"
              />
            ) : null}
            <Title order={1} size="h4">
              GEOS-Chem Cloud Runner
            </Title>
          </Group>
          <SessionMenu />
        </Group>
      </AppShell.Header>
      {signedIn ? (
        <AppShell.Navbar p="xs" aria-label="Main">
          {NAV.map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={item.label}
              active={current?.to === item.to}
              aria-current={current?.to === item.to ? 'page' : undefined}
              onClick={close}
            />
          ))}
        </AppShell.Navbar>
      ) : null}
      <AppShell.Main>{signedIn ? <Outlet /> : <SignInScreen />}</AppShell.Main>
    </AppShell>
  );
}
