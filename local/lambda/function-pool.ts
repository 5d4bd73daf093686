/**
 * One function of a service, run the way Lambda runs it: each instance is its
 * own worker thread (its own module graph, globals and event loop, so a busy
 * or crashing handler never stalls the gateway, the queues or another
 * function), handling one invocation at a time, with the function's
 * `memorySize` as its heap limit and its `timeout` enforced by terminating the
 * thread. Instances start on demand (cold starts, one at a time), up to the
 * function's concurrency (`reservedConcurrency` caps it), stay warm, and the
 * ones beyond the first are stopped after `idleMs` unused.
 *
 * Invocations wait in a FIFO queue for a free instance. Sheddable ones (the
 * HTTP API's) are refused at once with FunctionThrottledError when no
 * instance is idle and `concurrency + maxQueued` are already running or
 * waiting, and after `maxWaitMs`
 * of waiting while the function has a warm instance (the first cold start is
 * waited for), each time with a Retry-After estimated from
 * recent durations; the gateway turns these into 429 and 503. Event sources (queues, schedules) are
 * never shed: they wait, and their own at-least-once machinery (visibility
 * timeouts, retries) covers an invocation that fails.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { FunctionError, FunctionThrottledError, FunctionTimeoutError } from './errors.js';
import type { FromInstance, InstanceData, SerializedError, ToInstance } from './function-runtime.js';

export interface FunctionPoolOptions {
  /** The deployed name, `<service>-<stage>-<function>`. */
  functionName: string;
  modulePath: string;
  exportName: string;
  /** The runtime's bundle, to load the (bundled) handler without tsx; absent: the runtime's TypeScript through tsx. */
  runtimePath?: string;
  region: string;
  timeoutSeconds: number;
  memorySizeMb: number;
  /** Instances at once, at most. */
  concurrency: number;
  /** Sheddable invocations that may wait beyond one per instance; one more is refused at once (429). */
  maxQueued: number;
  /** Longest a sheddable invocation waits for an instance before it is refused (503). */
  maxWaitMs: number;
  /** Environment of the instances: the platform's, the function's and Lambda's own variables. */
  env: Record<string, string>;
  /** Instances beyond the first are stopped after this long unused; default 120 s. */
  idleMs?: number;
  /** Instance deaths nobody else hears of (e.g. between invocations). */
  log?: (message: string) => void;
}

export interface InvokeOptions {
  /** May be refused when the function is saturated (HTTP requests); event sources wait instead. */
  sheddable?: boolean;
}

export interface FunctionPoolStats {
  instances: number;
  busy: number;
  queued: number;
  coldStarts: number;
  throttles: number;
}

interface Waiting {
  event: unknown;
  enqueuedAt: number;
  sheddable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
}

interface Instance {
  worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'gone';
  /** When its cold start ended. */
  readyAt: number;
  idleSince: number;
  current?: { id: number; waiting: Waiting; timer: NodeJS.Timeout; startedAt: number };
}

const INSTANCE_ENTRY = new URL('./function-instance.js', import.meta.url);
/** Longest Retry-After given. */
const MAX_RETRY_AFTER_SECONDS = 600;
/** How far back completions count for the throughput behind Retry-After. */
const THROUGHPUT_WINDOW_MS = 10_000;
/** Weight of the newest duration in the moving average behind Retry-After. */
const DURATION_SMOOTHING = 0.2;

export class FunctionPool {
  readonly concurrency: number;
  private readonly instances = new Set<Instance>();
  private readonly queue: Waiting[] = [];
  private readonly reaper: NodeJS.Timeout;
  private readonly idleMs: number;
  private nextId = 0;
  private averageMs: number | undefined;
  /** When invocations completed while others waited (epoch ms, the last THROUGHPUT_WINDOW_MS). */
  private readonly completions: number[] = [];
  /** The next free retry slot handed out with Retry-After (epoch ms). */
  private nextRetrySlot = 0;
  private closed = false;
  private coldStarts = 0;
  private throttles = 0;

  constructor(private readonly options: FunctionPoolOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(
        `${options.functionName}: concurrency must be a positive integer, got ${options.concurrency}`,
      );
    }
    this.concurrency = options.concurrency;
    this.idleMs = options.idleMs ?? 120_000;
    this.reaper = setInterval(() => this.reapIdle(), Math.min(this.idleMs, 10_000));
    this.reaper.unref();
  }

  /** Runs one invocation on a free instance; resolves with the handler's result as JSON would carry it. */
  invoke(event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    if (this.closed) {
      return Promise.reject(new FunctionThrottledError(this.options.functionName, 'shutting-down', 1));
    }
    const sheddable = options.sheddable === true;
    if (sheddable && this.saturated()) {
      this.throttles++;
      return Promise.reject(
        new FunctionThrottledError(this.options.functionName, 'queue-full', this.retryAfterSeconds()),
      );
    }
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { event, enqueuedAt: Date.now(), sheddable, resolve, reject };
      if (sheddable) this.armWaitLimit(waiting);
      this.queue.push(waiting);
      this.pump();
    });
  }

  /**
   * Starts one instance ahead of any invocation (the platform warms every
   * function before it announces itself, as it loaded every handler before);
   * resolves once it is warm, rejects with the cold start's error.
   */
  prewarm(): Promise<void> {
    if (this.instances.size > 0) return Promise.resolve();
    const instance = this.start();
    return new Promise((resolve, reject) => {
      instance.worker.once('message', (message: FromInstance) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'init-error') reject(this.failure(message.error));
      });
      instance.worker.once('error', reject);
    });
  }

  stats(): FunctionPoolStats {
    let busy = 0;
    for (const instance of this.instances) if (instance.state === 'busy') busy++;
    return {
      instances: this.instances.size,
      busy,
      queued: this.queue.length,
      coldStarts: this.coldStarts,
      throttles: this.throttles,
    };
  }

  /** Refuses new and waiting invocations, lets running ones finish for up to `graceMs`, then stops every instance. */
  async close(graceMs = 5_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.reaper);
    for (const waiting of this.queue.splice(0)) {
      clearTimeout(waiting.timer);
      waiting.reject(new FunctionThrottledError(this.options.functionName, 'shutting-down', 1));
    }
    const deadline = Date.now() + graceMs;
    while ([...this.instances].some((i) => i.state === 'busy') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all([...this.instances].map((instance) => this.discard(instance)));
  }

  /**
   * Refuses a waiting invocation after `maxWaitMs`, counted from when it came
   * or when the function got a warm instance, whichever is later: time spent
   * waiting for the first cold start is not held against it.
   */
  private armWaitLimit(waiting: Waiting, delayMs = this.options.maxWaitMs): void {
    waiting.timer = setTimeout(() => {
      const at = this.queue.indexOf(waiting);
      if (at < 0) return;
      const warmSince = this.warmSince();
      if (warmSince === undefined) {
        this.armWaitLimit(waiting);
        return;
      }
      const left = Math.max(waiting.enqueuedAt, warmSince) + this.options.maxWaitMs - Date.now();
      if (left > 0) {
        this.armWaitLimit(waiting, left);
        return;
      }
      this.queue.splice(at, 1);
      this.throttles++;
      waiting.reject(
        new FunctionThrottledError(this.options.functionName, 'wait-exceeded', this.retryAfterSeconds()),
      );
    }, delayMs);
  }

  /** Since when the function has had a warm instance without a break; undefined while it has none. */
  private warmSince(): number | undefined {
    let since: number | undefined;
    for (const instance of this.instances) {
      if (instance.state !== 'idle' && instance.state !== 'busy') continue;
      if (since === undefined || instance.readyAt < since) since = instance.readyAt;
    }
    return since;
  }

  /** No idle instance, and as many running or waiting as its instances and its queue hold. */
  private saturated(): boolean {
    let busy = 0;
    for (const instance of this.instances) {
      if (instance.state === 'idle') return false;
      if (instance.state === 'busy') busy++;
    }
    const waiting = this.queue.filter((w) => w.sheddable).length;
    return busy + waiting >= this.concurrency + this.options.maxQueued;
  }

  /**
   * When a refused caller's turn comes. The refused are handed successive
   * slots after the queue has cleared, one per invocation the function
   * completes: spaced by its throughput measured while saturated (what the
   * instances really get done, sharing the cores), else by its recent
   * duration per instance. A burst that honours Retry-After comes back spread
   * over the time the function needs to serve it, not all at once.
   */
  private retryAfterSeconds(): number {
    const now = Date.now();
    const perInvocationMs = this.completionIntervalMs(now);
    const slot = Math.max(this.nextRetrySlot, now + this.queue.length * perInvocationMs);
    this.nextRetrySlot = slot + perInvocationMs;
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil((slot - now) / 1000)));
  }

  /**
   * Milliseconds between completions while saturated, over the last
   * THROUGHPUT_WINDOW_MS when it saw enough of them; else the average duration
   * per instance.
   */
  private completionIntervalMs(now: number): number {
    this.forgetOldCompletions(now);
    if (this.completions.length >= 5) {
      const spanMs = Math.max(1_000, now - this.completions[0]!);
      return spanMs / this.completions.length;
    }
    return (this.averageMs ?? 1_000) / this.concurrency;
  }

  private forgetOldCompletions(now: number): void {
    while (this.completions.length > 0 && this.completions[0]! < now - THROUGHPUT_WINDOW_MS) {
      this.completions.shift();
    }
  }

  private pump(): void {
    if (this.closed) return;
    for (const instance of this.instances) {
      if (this.queue.length === 0) return;
      if (instance.state === 'idle') this.run(instance, this.queue.shift()!);
    }
    // One cold start at a time (as Lambda scales a function up gradually): on a few cores, cold starts in
    // parallel each take as long as all of them in a row, while the first warm instance already serves the queue.
    const starting = [...this.instances].some((instance) => instance.state === 'starting');
    if (this.queue.length > 0 && !starting && this.instances.size < this.concurrency) this.start();
  }

  private start(): Instance {
    const data: InstanceData = {
      modulePath: this.options.modulePath,
      exportName: this.options.exportName,
      functionName: this.options.functionName,
      region: this.options.region,
      memorySizeMb: this.options.memorySizeMb,
      ...(this.options.runtimePath ? { runtimePath: this.options.runtimePath } : {}),
    };
    const worker = new Worker(INSTANCE_ENTRY, {
      workerData: data,
      env: this.options.env,
      resourceLimits: { maxOldGenerationSizeMb: this.options.memorySizeMb },
    });
    const instance: Instance = { worker, state: 'starting', readyAt: 0, idleSince: Date.now() };
    this.instances.add(instance);
    this.coldStarts++;
    worker.on('message', (message: FromInstance) => this.onMessage(instance, message));
    worker.on('error', (error: Error & { code?: string }) => this.onDeath(instance, error));
    worker.on('exit', (code) => this.onDeath(instance, new Error(`the instance exited with code ${code}`)));
    return instance;
  }

  private onMessage(instance: Instance, message: FromInstance): void {
    if (instance.state === 'gone') return;
    if (message.type === 'ready') {
      instance.state = 'idle';
      instance.readyAt = instance.idleSince = Date.now();
      this.pump();
    } else if (message.type === 'init-error') {
      // A failed cold start fails the invocation that waited longest, as on Lambda; the next one tries again.
      void this.discard(instance);
      const waiting = this.queue.shift();
      if (waiting) {
        clearTimeout(waiting.timer);
        waiting.reject(this.failure(message.error));
      }
      this.pump();
    } else if (instance.current?.id === message.id) {
      const { waiting, timer, startedAt } = instance.current;
      clearTimeout(timer);
      this.recordDuration(Date.now() - startedAt);
      instance.current = undefined;
      instance.state = 'idle';
      instance.idleSince = Date.now();
      if (message.ok) waiting.resolve(message.json === undefined ? undefined : JSON.parse(message.json));
      else {
        waiting.reject(this.failure(message.error));
      }
      this.pump();
    }
  }

  /** The thread died on its own: out of memory, an uncaught error, an exit. */
  private onDeath(instance: Instance, error: Error & { code?: string }): void {
    if (instance.state === 'gone') return;
    const wasStarting = instance.state === 'starting';
    const current = instance.current;
    void this.discard(instance);
    const failure =
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new FunctionError(
            'Runtime.OutOfMemory',
            `Runtime exited with error: out of memory (memorySize ${this.options.memorySizeMb} MB)`,
            this.options.functionName,
            { cause: error },
          )
        : new FunctionError(
            'Runtime.ExitError',
            `Runtime exited with error: ${error.message}`,
            this.options.functionName,
            {
              cause: error,
            },
          );
    if (current) {
      clearTimeout(current.timer);
      current.waiting.reject(failure);
    } else if (wasStarting) {
      const waiting = this.queue.shift();
      if (waiting) {
        clearTimeout(waiting.timer);
        waiting.reject(failure);
      }
    } else {
      this.options.log?.(`${this.options.functionName}: an idle instance died: ${failure.message}`);
    }
    this.pump();
  }

  /** The handler's error (or its cold start's), as Lambda reports it. */
  private failure(error: SerializedError): FunctionError {
    return new FunctionError(error.errorType, error.errorMessage, this.options.functionName, {
      ...(error.stack ? { stack: error.stack } : {}),
    });
  }

  private run(instance: Instance, waiting: Waiting): void {
    clearTimeout(waiting.timer);
    const id = ++this.nextId;
    const startedAt = Date.now();
    const timeoutMs = this.options.timeoutSeconds * 1000;
    const timer = setTimeout(() => {
      // Over its timeout: stop the instance itself (a busy loop included), as Lambda does.
      if (instance.current?.id !== id) return;
      instance.current = undefined;
      void this.discard(instance);
      waiting.reject(new FunctionTimeoutError(this.options.functionName, this.options.timeoutSeconds));
      this.pump();
    }, timeoutMs);
    instance.state = 'busy';
    instance.current = { id, waiting, timer, startedAt };
    const message: ToInstance = {
      type: 'invoke',
      id,
      requestId: randomUUID(),
      event: waiting.event,
      deadline: startedAt + timeoutMs,
    };
    instance.worker.postMessage(message);
  }

  private recordDuration(ms: number): void {
    // Completions while work waits measure what the function gets done saturated, cores shared and all.
    if (this.queue.length > 0) {
      const now = Date.now();
      this.completions.push(now);
      this.forgetOldCompletions(now);
    }
    this.averageMs =
      this.averageMs === undefined ? ms : this.averageMs + DURATION_SMOOTHING * (ms - this.averageMs);
  }

  private reapIdle(): void {
    const now = Date.now();
    const idle = [...this.instances]
      .filter((i) => i.state === 'idle')
      .sort((a, b) => a.idleSince - b.idleSince);
    for (const instance of idle) {
      if (this.instances.size <= 1) return; // the last instance stays warm
      if (now - instance.idleSince > this.idleMs) void this.discard(instance);
    }
  }

  private async discard(instance: Instance): Promise<void> {
    if (instance.state === 'gone') return;
    instance.state = 'gone';
    this.instances.delete(instance);
    await instance.worker.terminate();
  }
}
