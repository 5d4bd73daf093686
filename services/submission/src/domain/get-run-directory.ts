/**
 * GET /simulations/{id}/rundir and /rundir/{path}: the run directory stored
 * for a simulation at submission, read back as it was stored (not generated
 * again: the generator may have changed since, the stored files are what the
 * job ran with).
 */
import { NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import { runDirectoryPrefix } from '#shared/kernel/storage/bucket-layout.js';
import type { RunDirectory, RunDirectoryFile } from '#schemas/generated/types.js';
import type { RunDirectoryReader, SubmissionPorts } from './ports.js';

/** Text answered per file: HEMCO_Config.rc is some 50 KB; the species database can be larger and is cut. */
export const MAX_RUNDIR_TEXT_BYTES = 512 * 1024;

/** The run directory's files are flat, named as createRunDir.sh names them. */
const FILE_NAME = /^[A-Za-z0-9._+-]{1,255}$/;

export interface RunDirectoryPorts extends Pick<SubmissionPorts, 'repository'> {
  runDirectories: RunDirectoryReader;
}

export async function getRunDirectory(
  ports: RunDirectoryPorts,
  caller: Caller,
  id: string,
): Promise<RunDirectory> {
  await loadVisibleSimulation(ports.repository, caller, id);
  const entries = await ports.runDirectories.list(runDirectoryPrefix(id));
  return {
    simulationId: id,
    maxTextBytes: MAX_RUNDIR_TEXT_BYTES,
    files: entries
      .filter((entry) => FILE_NAME.test(entry.path))
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((entry) => ({
        path: entry.path,
        size: entry.size,
        ...(entry.lastModified ? { lastModified: entry.lastModified.toISOString() } : {}),
      })),
  };
}

/**
 * UTF-8 text of the bytes. Decoding a cut file as a stream leaves out a
 * character the size limit split at the end instead of answering U+FFFD.
 */
function decodeHead(body: Uint8Array, truncated: boolean): string {
  return new TextDecoder('utf-8').decode(body, { stream: truncated });
}

export async function getRunDirectoryFile(
  ports: RunDirectoryPorts,
  caller: Caller,
  id: string,
  path: string,
): Promise<RunDirectoryFile> {
  if (!FILE_NAME.test(path) || path === '.' || path === '..') {
    throw new ValidationError('the run directory path is not valid', [
      {
        field: 'path.path',
        message:
          'must be a file name of the run directory (letters, digits and . _ + -), as /rundir lists it',
      },
    ]);
  }
  await loadVisibleSimulation(ports.repository, caller, id);
  const head = await ports.runDirectories.readHead(`${runDirectoryPrefix(id)}${path}`, MAX_RUNDIR_TEXT_BYTES);
  if (!head) throw new NotFoundError(`the run directory of ${id} has no file ${path}`);
  const truncated = head.size > head.body.length;
  return {
    simulationId: id,
    path,
    size: head.size,
    ...(head.contentType ? { contentType: head.contentType } : {}),
    text: decodeHead(head.body, truncated),
    truncated,
  };
}
