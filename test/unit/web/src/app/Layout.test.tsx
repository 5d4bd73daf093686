import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { Layout } from '../../../../../web/src/app/Layout.js';
import { renderWithApp } from '../../../../helpers/web/render.js';

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
