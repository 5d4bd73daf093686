import { describe, expect, it } from 'vitest';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Subscription } from '#schemas/generated/types.js';
import { SubscriptionsPage } from '../../../../../../web/src/pages/subscriptions/SubscriptionsPage.js';
import { renderWithApp, signedInAs } from '../../../../../helpers/web/render.js';
import { badRequest, fakeApi } from '../../../../../helpers/web/costs-and-subscriptions-api.js';

const WEBHOOK_ID = 'sub_01JF0000000000000000000001';
const EMAIL_ID = 'sub_01JF0000000000000000000002';
const TEAM_ID = 'sub_01JF0000000000000000000003';

const webhook: Subscription = {
  id: WEBHOOK_ID,
  owner: 'user-1',
  channel: 'webhook',
  target: 'https://hooks.example.org/gcr',
  name: 'lab hook',
  events: ['status'],
  statuses: ['SUCCEEDED', 'FAILED'],
  tags: { project: 'ozone' },
  createdAt: '2026-12-01T10:00:00.000Z',
};
const email: Subscription = {
  id: EMAIL_ID,
  owner: 'user-1',
  channel: 'email',
  target: 'alice@example.org',
  events: ['results'],
  statuses: ['SUCCEEDED'],
  createdAt: '2026-12-02T10:00:00.000Z',
  suppressed: true,
};
const team: Subscription = {
  id: TEAM_ID,
  owner: 'admin-1',
  team: 'chem',
  channel: 'slack',
  target: 'C0123ABCD',
  name: 'chem channel',
  events: ['status'],
  statuses: ['FAILED'],
  tags: { project: 'ozone' },
  createdAt: '2026-12-03T10:00:00.000Z',
};

function api(extra: Parameters<typeof fakeApi>[0] = {}) {
  return fakeApi({
    'GET /subscriptions': (request) => ({
      status: 200,
      body: { subscriptions: request.query.get('scope') === 'team' ? [team] : [webhook, email] },
    }),
    ...extra,
  });
}

async function openForm() {
  await userEvent.click(await screen.findByRole('button', { name: 'New subscription' }));
  return screen.findByRole('dialog', { name: 'New subscription' });
}

// Typing into forms takes seconds on a loaded machine: generous timeouts, no timing assertions.
configure({ asyncUtilTimeout: 15_000 });
describe('SubscriptionsPage', { timeout: 60_000 }, () => {
  it('lists each subscription with its channel, events and filters, and says which email address is suppressed', async () => {
    const { fetch } = api();
    renderWithApp(<SubscriptionsPage />, { path: '/subscriptions', fetch });
    const row = (await screen.findByRole('rowheader', { name: /lab hook/ })).closest('tr')!;
    expect(row).toHaveTextContent('Webhook');
    expect(row).toHaveTextContent('https://hooks.example.org/gcr');
    expect(row).toHaveTextContent('Status changes');
    expect(row).toHaveTextContent('statuses SUCCEEDED, FAILED; tag project=ozone');
    const emailRow = screen.getByRole('rowheader', { name: /alice@example.org/ }).closest('tr')!;
    expect(emailRow).toHaveTextContent('Email');
    expect(emailRow).toHaveTextContent('SuppressedThe address bounced or complained; deliveries to it fail.');
    expect(row).not.toHaveTextContent('Suppressed');
  });

  it('creates a webhook subscription and shows its signing secret once, with a copy button', async () => {
    const { fetch, requests } = api({
      'POST /subscriptions': {
        status: 201,
        body: {
          ...webhook,
          id: 'sub_01JF0000000000000000000009',
          signingSecret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=',
        },
      },
    });
    renderWithApp(<SubscriptionsPage />, { path: '/subscriptions', fetch });
    const form = await openForm();
    await userEvent.type(
      within(form).getByRole('textbox', { name: /Webhook URL/ }),
      'https://hooks.example.org/gcr',
    );
    await userEvent.type(within(form).getByRole('textbox', { name: /^Tags/ }), 'project=ozone');
    await userEvent.click(within(form).getByRole('checkbox', { name: 'Status changes' }));
    await userEvent.click(within(form).getByRole('button', { name: 'Create subscription' }));
    const secret = await screen.findByRole('dialog', { name: 'Signing secret' });
    expect(within(secret).getByTestId('signing-secret')).toHaveTextContent(
      'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=',
    );
    expect(within(secret).getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')!.body).toEqual({
      channel: 'webhook',
      url: 'https://hooks.example.org/gcr',
      events: ['status'],
      tags: { project: 'ozone' },
    });
  });

  it("shows the API's 400 for an email subscription under the address field", async () => {
    const { fetch, requests } = api({
      'POST /subscriptions': badRequest({ field: 'address', message: 'must match format "email"' }),
    });
    renderWithApp(<SubscriptionsPage />, { path: '/subscriptions', fetch });
    const form = await openForm();
    await userEvent.click(within(form).getByRole('radio', { name: 'Email' }));
    const address = within(form).getByRole('textbox', { name: 'Email address' });
    await userEvent.type(address, 'alice@');
    await userEvent.click(within(form).getByRole('button', { name: 'Create subscription' }));
    await waitFor(() => expect(address).toHaveAttribute('aria-invalid', 'true'));
    expect(address).toHaveAccessibleDescription('must match format "email"');
    expect(requests.find((r) => r.method === 'POST')!.body).toEqual({ channel: 'email', address: 'alice@' });
  });

  it("shows the API's 400 for a Slack bot subscription under the channel id, and the rest above the form", async () => {
    const { fetch, requests } = api({
      'POST /subscriptions': badRequest(
        { field: 'slackChannel', message: 'must match pattern "^[CGD][A-Z0-9]{6,20}$"' },
        { field: 'body', message: 'at most 50 subscriptions per owner; delete one first' },
      ),
    });
    renderWithApp(<SubscriptionsPage />, { path: '/subscriptions', fetch });
    const form = await openForm();
    await userEvent.click(within(form).getByRole('radio', { name: 'Slack' }));
    await userEvent.click(within(form).getByRole('radio', { name: 'Bot token and channel' }));
    await userEvent.type(
      within(form).getByLabelText('Bot token', { selector: 'input[type=password]' }),
      'xoxb-1234567890-abcdef',
    );
    const channel = within(form).getByRole('textbox', { name: /Slack channel id/ });
    await userEvent.type(channel, 'general');
    await userEvent.click(within(form).getByRole('button', { name: 'Create subscription' }));
    await waitFor(() => expect(channel).toHaveAttribute('aria-invalid', 'true'));
    expect(channel).toHaveAccessibleDescription(expect.stringContaining('must match pattern'));
    expect(within(form).getByText(/body: at most 50 subscriptions per owner/)).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')!.body).toEqual({
      channel: 'slack',
      token: 'xoxb-1234567890-abcdef',
      slackChannel: 'general',
    });
  });

  it('sends a test and shows it delivered, and another failed with the reason', async () => {
    const { fetch } = api({
      [`POST /subscriptions/${WEBHOOK_ID}/test`]: { status: 200, body: { delivered: true, statusCode: 204 } },
      [`POST /subscriptions/${EMAIL_ID}/test`]: {
        status: 200,
        body: { delivered: false, error: 'alice@example.org is suppressed (it bounced or complained)' },
      },
    });
    renderWithApp(<SubscriptionsPage />, { path: '/subscriptions', fetch });
    await userEvent.click(await screen.findByRole('button', { name: 'Send test: lab hook' }));
    expect(await screen.findByRole('status', { name: 'Test outcome: lab hook' })).toHaveTextContent(
      'Delivered (HTTP 204)',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Send test: alice@example.org' }));
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'Test outcome: alice@example.org' })).toHaveTextContent(
        'Failed: alice@example.org is suppressed (it bounced or complained)',
      ),
    );
  });

  it('rotates a webhook secret after confirmation and shows the new one once', async () => {
    const { fetch } = api({
      [`POST /subscriptions/${WEBHOOK_ID}/secret`]: {
        status: 200,
        body: { ...webhook, signingSecret: 'whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0MTI=' },
      },
    });
    renderWithApp(<SubscriptionsPage />, { path: '/subscriptions', fetch });
    expect(
      screen.queryByRole('button', { name: 'Rotate secret: alice@example.org' }),
    ).not.toBeInTheDocument();
    await userEvent.click(await screen.findByRole('button', { name: 'Rotate secret: lab hook' }));
    const confirm = await screen.findByRole('dialog', { name: 'Rotate the signing secret?' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Rotate secret' }));
    expect(await screen.findByTestId('signing-secret')).toHaveTextContent(
      'whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0MTI=',
    );
  });

  it('deletes a subscription only after confirmation', async () => {
    const { fetch, requests } = api({ [`DELETE /subscriptions/${EMAIL_ID}`]: { status: 204 } });
    renderWithApp(<SubscriptionsPage />, { path: '/subscriptions', fetch });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete: alice@example.org' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete subscription?' });
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete subscription' }));
    await waitFor(() =>
      expect(requests.some((r) => r.method === 'DELETE' && r.path === `/subscriptions/${EMAIL_ID}`)).toBe(
        true,
      ),
    );
  });

  it('shows the Team tab to admins only, listing the team subscriptions', async () => {
    const { fetch } = api();
    renderWithApp(<SubscriptionsPage />, { path: '/subscriptions', fetch });
    await screen.findByRole('rowheader', { name: /lab hook/ });
    expect(screen.queryByRole('tab', { name: 'Team' })).not.toBeInTheDocument();

    const admin = api();
    renderWithApp(<SubscriptionsPage />, {
      path: '/subscriptions',
      fetch: admin.fetch,
      session: signedInAs({ isAdmin: true, groups: ['admins'] }),
    });
    await userEvent.click(await screen.findByRole('tab', { name: 'Team' }));
    const panel = await screen.findByRole('tabpanel', { name: 'Team' });
    expect(await within(panel).findByRole('rowheader', { name: /chem channel/ })).toHaveTextContent(
      'Team chem',
    );
    expect(admin.requests.some((r) => r.path === '/subscriptions' && r.query.get('scope') === 'team')).toBe(
      true,
    );
  });
});
