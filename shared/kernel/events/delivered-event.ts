/**
 * Events as consumers receive them: an EventBridge event that a rule delivered
 * through an SQS queue (the message body), checked before anything acts on it.
 */
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import { MalformedEventError, UnknownEventError } from '../errors.js';
import {
  BatchJobStateChange,
  EventCatalog,
  isCatalogDetailType,
  type CatalogDetailType,
  type DetailOfType,
} from './catalog.js';

/** Detail types a consumer may receive: ours, and AWS Batch's job state changes. */
export type DeliverableDetailType = CatalogDetailType | typeof BatchJobStateChange.detailType;

/** Our details are typed by their schema; AWS Batch's is left for `jobDescriptionFromBatchEvent`. */
type DetailOf<K extends DeliverableDetailType> = K extends CatalogDetailType ? DetailOfType[K] : unknown;

/** An EventBridge event as delivered to a consumer, one member per detail type (switch on `detail-type`). */
export type DeliveredEvent<K extends DeliverableDetailType = DeliverableDetailType> = K extends unknown
  ? {
      id?: string;
      source: string;
      'detail-type': K;
      detail: DetailOf<K>;
      time?: string;
      resources?: string[];
    }
  : never;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<K extends string>(value: string, accepted: readonly K[]): value is K {
  return (accepted as readonly string[]).includes(value);
}

interface Envelope {
  event: Record<string, unknown>;
  source: string;
  type: string;
  detail: Record<string, unknown>;
}

function envelopeOf(body: unknown): Envelope {
  let event = body;
  if (typeof body === 'string') {
    try {
      event = JSON.parse(body);
    } catch (err) {
      throw new MalformedEventError(`the message is not JSON: ${(err as Error).message}`);
    }
  }
  if (!isObject(event)) throw new MalformedEventError('the message is not an EventBridge event object');
  const { source, 'detail-type': type, detail } = event;
  const issues = [
    ...(typeof source === 'string' && source !== ''
      ? []
      : [{ field: 'source', message: 'must be a string' }]),
    ...(typeof type === 'string' && type !== ''
      ? []
      : [{ field: 'detail-type', message: 'must be a string' }]),
    ...(isObject(detail) ? [] : [{ field: 'detail', message: 'must be a JSON object' }]),
  ];
  if (issues.length > 0) throw new MalformedEventError('the message is not an EventBridge event', issues);
  return { event, source: source as string, type: type as string, detail: detail as Record<string, unknown> };
}

/**
 * The event in a message body, if it is one this consumer `accepts`, from a
 * source the catalog names for it, with a detail its schema allows.
 * Throws UnknownEventError or MalformedEventError otherwise: named errors for
 * messages that can never be processed.
 */
export function parseDeliveredEvent<K extends DeliverableDetailType>(
  body: unknown,
  accepts: readonly K[],
): DeliveredEvent<K> {
  const { event, source, type, detail } = envelopeOf(body);
  if (!isOneOf(type, accepts)) {
    throw new UnknownEventError(`this consumer does not handle "${type}" events (from ${source})`);
  }
  const expectedSources: readonly string[] = isCatalogDetailType(type)
    ? EventCatalog[type].sources
    : [BatchJobStateChange.source];
  if (!expectedSources.includes(source)) {
    throw new UnknownEventError(`"${type}" events come from ${expectedSources.join(' or ')}, not ${source}`);
  }
  if (isCatalogDetailType(type)) {
    const validate = validatorFor(EventCatalog[type].schema);
    if (!validate(detail)) {
      const issues = issuesFromAjv(validate.errors, 'detail');
      throw new MalformedEventError(
        `the "${type}" detail does not match its schema: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
        issues,
      );
    }
  }
  const { id, time, resources } = event;
  return {
    ...(typeof id === 'string' ? { id } : {}),
    source,
    'detail-type': type,
    detail,
    ...(typeof time === 'string' ? { time } : {}),
    ...(Array.isArray(resources) ? { resources: resources.map(String) } : {}),
  } as DeliveredEvent<K>;
}
