import { describe, expect, it } from '@jest/globals';
import { sbatchArguments, SlurmAdapter, slurmJobName } from '#cli/agent/slurm/slurm-adapter.js';
import type { SlurmCommand, SlurmCommands } from '#cli/agent/slurm/slurm-commands.js';

function recordingCommands(outputs: Partial<Record<SlurmCommand, string>>) {
  const calls: Array<[SlurmCommand, readonly string[]]> = [];
  const commands: SlurmCommands = {
    run: (command, args) => {
      calls.push([command, args]);
      return Promise.resolve(outputs[command] ?? '');
    },
  };
  return { commands, calls };
}

describe('the Slurm adapter', () => {
  it("builds sbatch's arguments from the request over the site's defaults", () => {
    expect(
      sbatchArguments(
        {
          jobName: slurmJobName('sim-1', 2),
          scriptPath: '/runs/sim-1/job.sh',
          workDir: '/runs/sim-1',
          timeLimitMinutes: 90,
          cpus: 4,
          environment: { GCR_SIMULATION_ID: 'sim-1' },
          array: { indices: '0-9', maxRunning: 4 },
        },
        { partition: 'short', account: 'chem', qos: 'normal', timeLimitMinutes: 60, memoryMiB: 8000 },
      ),
    ).toEqual([
      '--parsable',
      '--job-name=gcr-sim-1-a2',
      '--chdir=/runs/sim-1',
      '--partition=short',
      '--account=chem',
      '--qos=normal',
      '--time=90',
      '--mem=8000M',
      '--ntasks=1',
      '--cpus-per-task=4',
      '--array=0-9%4',
      '--export=ALL,GCR_SIMULATION_ID=sim-1',
      '/runs/sim-1/job.sh',
    ]);
  });

  it('refuses an environment value sbatch --export would split', () => {
    expect(() =>
      sbatchArguments({ jobName: 'gcr-x-a1', scriptPath: 's', workDir: 'w', environment: { A: 'x,y' } }),
    ).toThrow(/--export/);
  });

  it("asks squeue once per poll for all the agent's jobs, and accounting only for those squeue forgot", async () => {
    const { commands, calls } = recordingCommands({
      squeue: '5|5|N/A|gcr-a-a1|RUNNING|None|0|\n6|6|N/A|someone-else|RUNNING|None|0|\n',
      sacct: '7|7|gcr-b-a1|FAILED|3:0\n',
    });
    const adapter = new SlurmAdapter(commands, { user: 'gcr', accounting: { kind: 'sacct' } });
    const records = await adapter.observe(['5', '7']);
    expect(records.map((record) => [record.jobId, record.state])).toEqual([
      ['5', 'RUNNING'],
      ['7', 'FAILED'],
    ]);
    expect(calls.map(([command]) => command)).toEqual(['squeue', 'sacct']);
    expect(calls[1]![1]).toContain('--jobs=7');
    // Nothing missing: no accounting query at all.
    calls.length = 0;
    await adapter.observe(['5']);
    expect(calls.map(([command]) => command)).toEqual(['squeue']);
  });

  it('finds a batch of job names with one squeue, and one accounting query for the names it does not list', async () => {
    const { commands, calls } = recordingCommands({
      squeue: '5|5|N/A|gcr-a-a1|RUNNING|None|0|\n',
      sacct: '7|7|gcr-b-a1|COMPLETED|0:0\n',
    });
    const adapter = new SlurmAdapter(commands, { user: 'gcr', accounting: { kind: 'sacct' } });
    const records = await adapter.findByNames(['gcr-a-a1', 'gcr-b-a1', 'gcr-c-a1']);
    expect(records.map((record) => [record.name, record.jobId])).toEqual([
      ['gcr-a-a1', '5'],
      ['gcr-b-a1', '7'],
    ]);
    expect(calls.map(([command]) => command)).toEqual(['squeue', 'sacct']);
    expect(calls[1]![1]).toContain('--name=gcr-b-a1,gcr-c-a1');
    calls.length = 0;
    expect(await adapter.findByNames([])).toEqual([]);
    expect(calls).toEqual([]);
  });
});
