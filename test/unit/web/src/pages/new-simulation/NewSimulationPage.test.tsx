import { describe, expect, it } from 'vitest';
import { configure, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { NewSimulationPage } from '../../../../../../web/src/pages/new-simulation/NewSimulationPage.js';
import { renderWithApp } from '../../../../../helpers/web/render.js';
import {
  FAKE_ESTIMATE,
  FAKE_PLAN,
  wizardApi,
  type FakeAnswer,
} from '../../../../../helpers/web/new-simulation-api.js';

const NOW = new Date('2026-01-01T00:00:00Z');

// Every option is checked by the API's validator on each render: generous waits on a shared, loaded machine.
configure({ asyncUtilTimeout: 15_000 });

function renderWizard(answers: Record<string, FakeAnswer> = {}, path = '/simulations/new') {
  const api = wizardApi({
    'POST /estimates': { status: 200, body: FAKE_ESTIMATE },
    'POST /simulation-plans': { status: 200, body: FAKE_PLAN },
    ...answers,
  });
  renderWithApp(<NewSimulationPage now={NOW} />, {
    path,
    fetch: api.fetch,
    routes: [
      { path: '/simulations/new', element: <NewSimulationPage now={NOW} /> },
      { path: '/simulations/:id', element: <p>simulation page</p> },
    ],
  });
  return { api, user: userEvent.setup() };
}

async function next(user: ReturnType<typeof userEvent.setup>) {
  const button = screen.getByRole('button', { name: 'Next' });
  await waitFor(() => expect(button).toBeEnabled());
  await user.click(button);
}

async function toStep(user: ReturnType<typeof userEvent.setup>, title: RegExp) {
  await user.type(screen.getByRole('textbox', { name: /Name/ }), 'wizard test');
  for (let i = 0; i < 7 && !screen.queryByRole('heading', { name: title }); i += 1) await next(user);
  expect(screen.getByRole('heading', { name: title })).toBeInTheDocument();
}

describe('NewSimulationPage', { timeout: 120_000 }, () => {
  it('keeps Next disabled until the run has a name, and says why', async () => {
    const { user } = renderWizard();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    expect(screen.getByRole('alert')).toHaveTextContent('name');
    await user.type(screen.getByRole('textbox', { name: /Name/ }), 'July run');
    expect(screen.getByRole('button', { name: 'Next' })).toBeEnabled();
  });

  it('offers POPs only with a POP species: its extra options are BaP, PHE and PYR', async () => {
    const { user } = renderWizard();
    await user.click(screen.getByRole('radio', { name: 'POPs' }));
    const extras = within(screen.getByRole('radiogroup', { name: /Extra option/ }));
    expect(extras.getAllByRole('radio').map((radio) => radio.getAttribute('value'))).toEqual([
      'BaP',
      'PHE',
      'PYR',
    ]);
    expect(extras.getByRole('radio', { name: 'BaP' })).toBeChecked();
  });

  it('disables GEOS-IT on the met step and says its settings file is missing from 14.7.0', async () => {
    const { user } = renderWizard();
    await toStep(user, /Met field/);
    const geosit = screen.getByRole('radio', { name: 'GEOS-IT' });
    expect(geosit).toBeDisabled();
    expect(geosit).toHaveAccessibleDescription(/Not available: .*settings file .* missing/);
    expect(screen.getByRole('radio', { name: 'MERRA-2' })).toBeEnabled();
  });

  it('disables GCAP 2.0 for fullchem (dust not prepared) and enables it for tagO3', async () => {
    const { user } = renderWizard();
    await user.click(screen.getByRole('radio', { name: 'tagO3' }));
    await toStep(user, /Met field/);
    expect(screen.getByRole('radio', { name: /ModelE2.1/ })).toBeEnabled();
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await user.click(screen.getByRole('radio', { name: 'fullchem' }));
    await next(user);
    expect(screen.getByRole('radio', { name: /ModelE2.1/ })).toHaveAccessibleDescription(
      /not prepared by the platform/,
    );
  });

  it('selects a nested domain from the list by keyboard, and names it in text and on the map', async () => {
    const { user } = renderWizard();
    await toStep(user, /Met field/);
    await user.click(screen.getByRole('radio', { name: 'GEOS-FP' }));
    await next(user);
    await user.click(screen.getByRole('radio', { name: '0.25x0.3125' }));
    const northAmerica = screen.getByRole('radio', { name: 'North America (NA)' });
    northAmerica.focus();
    await user.keyboard(' ');
    expect(northAmerica).toBeChecked();
    expect(screen.getByText(/Selected domain: North America \(NA\)/)).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /Nested domains at 0.25x0.3125/ })).toHaveAccessibleDescription(
      /Selected: North America \(NA\)/,
    );
  });

  it('selects a nested domain by clicking its box on the map', async () => {
    const { user } = renderWizard();
    await toStep(user, /Met field/);
    await user.click(screen.getByRole('radio', { name: 'MERRA-2' }));
    await next(user);
    await user.click(screen.getByRole('radio', { name: '0.5x0.625' }));
    const map = screen.getByRole('img', { name: /Nested domains/ });
    await user.click(map.querySelector('[data-box="AS"]')!);
    expect(screen.getByRole('radio', { name: 'Asia (AS)' })).toBeChecked();
  });

  it('disables a monthly output for a one-day run and says nothing would be written', async () => {
    const { user } = renderWizard();
    await toStep(user, /Period/);
    expect(screen.getByRole('radio', { name: 'monthly' })).toHaveAccessibleDescription(/never be written/);
    expect(screen.getByRole('checkbox', { name: 'Restart' })).toBeDisabled();
  });

  it('refuses a period that ends in the future on the period step, with the reason', async () => {
    const { user } = renderWizard();
    await toStep(user, /Period/);
    const end = screen.getByLabelText(/End date/);
    await user.clear(end);
    await user.type(end, '2030-01-01');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled());
    expect(screen.getByRole('alert')).toHaveTextContent(/exists only for the past/);
  });

  it("lists the estimate's instance types and disables one of the other architecture, saying why", async () => {
    const { user } = renderWizard();
    await toStep(user, /Compute/);
    await user.click(screen.getByRole('radio', { name: 'AWS Batch' }));
    await user.click(screen.getByRole('radio', { name: 'x86_64' }));
    const graviton = await screen.findByRole('radio', { name: /c7g.4xlarge/ });
    expect(graviton).toBeDisabled();
    expect(graviton).toHaveAccessibleDescription(
      /AWS Graviton \(arm64\) instance type, but compute.architecture is x86_64/,
    );
    expect(screen.getByRole('radio', { name: /c7i.4xlarge/ })).toBeEnabled();
  });

  it('reviews the dry run, then submits once with an Idempotency-Key and opens the simulation page', async () => {
    const { user, api } = renderWizard({
      'POST /simulations': { status: 201, body: { id: 'sim_abc', spec: FAKE_PLAN.spec } },
    });
    await toStep(user, /Compute/);
    await user.click(screen.getByRole('radio', { name: /Local/ }));
    await next(user);
    expect(await screen.findByText('gc_4x5_merra2_TransportTracers')).toBeInTheDocument();
    expect(screen.getByText('3.4 GB')).toBeInTheDocument();
    expect(screen.getByText(/\$0.05 to \$0.20/)).toBeInTheDocument();
    expect(screen.getByText(/ends within 90 days/)).toBeInTheDocument();
    const submit = screen.getByRole('button', { name: 'Submit simulation' });
    await user.dblClick(submit);
    expect(await screen.findByText('simulation page')).toBeInTheDocument();
    const posts = api.requests.filter((r) => r.method === 'POST' && r.path === '/simulations');
    expect(posts.length).toBeGreaterThan(0);
    const keys = new Set(posts.map((r) => r.headers.get('Idempotency-Key')));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[0]!.body).toMatchObject({ name: 'wizard test', compute: { backend: 'local' } });
  });

  it('shows an API refusal on the step of the field it names', async () => {
    const { user } = renderWizard({
      'POST /simulations': {
        status: 400,
        body: {
          error: {
            code: 'ValidationError',
            message: 'the simulation spec is invalid',
            issues: [
              { field: 'compute.backend', message: 'the local backend runs jobs only on the local platform' },
            ],
          },
        },
      },
    });
    await toStep(user, /Review/);
    await user.click(await screen.findByRole('button', { name: 'Submit simulation' }));
    expect(await screen.findByRole('heading', { name: /Compute/ })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'the local backend runs jobs only on the local platform',
    );
  });

  it('imports a spec file: a refused one shows its issues by field, a valid one opens the review', async () => {
    const { user } = renderWizard();
    const input = document.querySelector('input[type="file"]') as HTMLInputElement;
    const bad = {
      name: 'x',
      simulation: { type: 'fullchem' },
      meteorology: { field: 'geosit' },
      grid: { resolution: '4x5' },
      period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
    };
    await user.upload(input, new File([JSON.stringify(bad)], 'bad.json', { type: 'application/json' }));
    expect(await screen.findByText('The imported file is not a valid spec')).toBeInTheDocument();
    expect(screen.getByText('meteorology.field')).toBeInTheDocument();
    await user.upload(
      input,
      new File([JSON.stringify({ ...bad, meteorology: { field: 'merra2' } })], 'good.json', {
        type: 'application/json',
      }),
    );
    expect(await screen.findByRole('heading', { name: /Review/ })).toBeInTheDocument();
    expect(await screen.findByText('gc_4x5_merra2_TransportTracers')).toBeInTheDocument();
  });

  it("starts from an existing run's spec with ?from=", async () => {
    renderWizard(
      {
        'GET /simulations/sim_old': {
          status: 200,
          body: { id: 'sim_old', spec: { ...FAKE_PLAN.spec, name: 'old run' } },
        },
      },
      '/simulations/new?from=sim_old',
    );
    await waitFor(() => expect(screen.getByRole('textbox', { name: /Name/ })).toHaveValue('old run'));
    expect(screen.getByRole('radio', { name: 'TransportTracers' })).toBeChecked();
  });
});
