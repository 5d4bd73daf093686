import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Layout } from '../../../../../web/src/app/Layout.js';
import { renderWithApp, signedInAs } from '../../../../helpers/web/render.js';

describe('Layout', () => {
  it('marks the navigation entry of the current page, the most specific one', async () => {
    renderWithApp(<Layout />, {
      path: '/simulations/new',
      routes: [{ path: '*', element: <Layout /> }],
    });
    const current = await screen.findByRole('link', { current: 'page' });
    expect(current).toHaveTextContent('New simulation');
    expect(screen.getByRole('link', { name: 'Simulations' })).not.toHaveAttribute('aria-current');
  });
});

describe('Layout and the session', () => {
  it('shows the sign-in screen with the reason a renew failed, and signs in back to this page', async () => {
    const signIn = vi.fn(async () => undefined);
    renderWithApp(<Layout />, {
      path: '/simulations?status=RUNNING',
      routes: [{ path: '*', element: <Layout /> }],
      session: {
        user: undefined,
        signedOutReason: 'Your session could not be renewed (invalid_grant). Sign in again.',
        accessToken: async () => undefined,
        signIn,
        signOut: async () => undefined,
      },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('could not be renewed (invalid_grant)');
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(signIn).toHaveBeenCalledWith('/simulations?status=RUNNING');
  });

  it('names the signed-in user, marks an admin, and signs out', async () => {
    const session = signedInAs({ username: 'ana', isAdmin: true, groups: ['admin'] });
    const signOut = vi.spyOn(session, 'signOut');
    renderWithApp(<Layout />, {
      path: '/simulations',
      routes: [{ path: '*', element: <Layout /> }],
      session,
    });
    expect(await screen.findByTestId('signed-in-user')).toHaveTextContent('ana');
    expect(screen.getByText('admin')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(signOut).toHaveBeenCalled();
  });
});
