import { describe, expect, it } from '@jest/globals';
import {
  announcementPrefix,
  hostfile,
  mpirunArgs,
  parseMultiNodeEnv,
} from '#containers/runner/src/multi-node.js';

describe('GCHP multi-node launch', () => {
  it('is off for a single-node job', () => {
    expect(parseMultiNodeEnv({})).toBeUndefined();
  });

  it("reads AWS Batch's node variables on the main node and on a worker", () => {
    expect(
      parseMultiNodeEnv({
        AWS_BATCH_JOB_NUM_NODES: '4',
        AWS_BATCH_JOB_NODE_INDEX: '0',
        AWS_BATCH_JOB_MAIN_NODE_INDEX: '0',
      }),
    ).toEqual({ nodeIndex: 0, mainNodeIndex: 0, numNodes: 4, isMain: true });
    expect(
      parseMultiNodeEnv({
        AWS_BATCH_JOB_NUM_NODES: '4',
        AWS_BATCH_JOB_NODE_INDEX: '2',
        AWS_BATCH_JOB_MAIN_NODE_INDEX: '0',
        AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS: '10.0.1.17',
      }),
    ).toEqual({ nodeIndex: 2, mainNodeIndex: 0, numNodes: 4, mainNodeAddress: '10.0.1.17', isMain: false });
  });

  it('refuses inconsistent node variables', () => {
    expect(() =>
      parseMultiNodeEnv({
        AWS_BATCH_JOB_NUM_NODES: '2',
        AWS_BATCH_JOB_NODE_INDEX: '2',
        AWS_BATCH_JOB_MAIN_NODE_INDEX: '0',
      }),
    ).toThrow('inconsistent multi-node variables: node 2, main 0, 2 node(s)');
    expect(() => parseMultiNodeEnv({ AWS_BATCH_JOB_NUM_NODES: 'two' })).toThrow(/AWS_BATCH_JOB_NUM_NODES/);
  });

  it('writes an Open MPI hostfile in node order and the mpirun command line', () => {
    expect(
      hostfile([
        { index: 1, address: '10.0.1.18', slots: 48 },
        { index: 0, address: '10.0.1.17', slots: 48 },
      ]),
    ).toBe('10.0.1.17 slots=48\n10.0.1.18 slots=48\n');
    expect(
      mpirunArgs({
        processes: 96,
        hostfilePath: '/run/hosts',
        executable: 'gchp',
        exportVariables: ['OMP_NUM_THREADS'],
      }),
    ).toEqual([
      '-np',
      '96',
      '--hostfile',
      '/run/hosts',
      '--bind-to',
      'core',
      '-x',
      'OMP_NUM_THREADS',
      'gchp',
    ]);
  });

  it("keeps each job attempt's announcements apart, so a retry never sees stale addresses", () => {
    expect(
      announcementPrefix('simulations/sim_1/', { AWS_BATCH_JOB_ID: 'a1b2-c3#2', AWS_BATCH_JOB_ATTEMPT: '2' }),
    ).toBe('simulations/sim_1/mpi/a1b2-c3-2/nodes/');
    expect(announcementPrefix('simulations/sim_1/', {})).toBe('simulations/sim_1/mpi/local-1/nodes/');
  });
});
