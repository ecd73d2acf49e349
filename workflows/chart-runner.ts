/**
 * The one interpreter of our charts inside a workflow. It keeps the chart's snapshot and the
 * status history, feeds the chart one message or timer at a time (serial work), turns the chart's
 * `xstate.raise` / `xstate.cancel` into durable timers, runs long work in the background, and
 * refuses messages as typed failures. Each workflow gives it the chart, how to record a change and
 * how to perform each of the chart's named effects; it adds its message handlers with `onUpdate`.
 *
 * One rule for answers: an update answers once its event's effects that the answer needs have
 * run; the effects it does not need (notices, grants) are queued with `afterAnswer` and run next,
 * in order, before any later message.
 */
import { allHandlersFinished, ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import {
  initialTransition,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventFrom,
  type InputFrom,
  type SnapshotFrom,
  type StateMachine,
} from 'xstate';
import type { ApproverNotice } from '../domain/notices';
import { backgroundWork, durableTimers } from './durable-work';
import { serialWork } from './serial-work';

/** Distributes over a union of parameterized actions, so each named action keeps its own params. */
type EachAction<A> = A extends { type: infer T extends string; params: infer P } ? { type: T; params: P } : never;

/** The named actions of a chart's `setup({ actions })`, each with its params: what the chart asks the workflow to do. */
export type NamedEffectOf<M> =
  M extends StateMachine<
    infer _Context,
    infer _Event,
    infer _Children,
    infer _Actor,
    infer TAction,
    infer _Guard,
    infer _Delay,
    infer _StateValue,
    infer _Tag,
    infer _Input,
    infer _Output,
    infer _Emitted,
    infer _Meta,
    infer _Schema,
    infer _TransitionMeta
  >
    ? EachAction<TAction>
    : never;

/** A delayed event the chart raises (an `after` delay), and its cancellation. */
type TimerEffect<E> =
  { type: 'xstate.raise'; params: { event: E; id: string; delay?: number } } | { type: 'xstate.cancel'; params: { sendId: string } };

type ChartEffect<M extends AnyStateMachine> = NamedEffectOf<M> | TimerEffect<EventFrom<M>>;

/**
 * xstate's `transition()` types the params of every named action as the union of all of them;
 * the chart's `setup()` declares what each one really carries, and that is what it returns.
 */
function effectsOf<M extends AnyStateMachine>(actions: readonly { type: string; params?: unknown }[]): readonly ChartEffect<M>[] {
  return actions as readonly ChartEffect<M>[];
}

const isDone = (snapshot: AnyMachineSnapshot): boolean => snapshot.status === 'done';

function isTimer<M extends AnyStateMachine>(effect: ChartEffect<M>): effect is TimerEffect<EventFrom<M>> {
  return effect.type === 'xstate.raise' || effect.type === 'xstate.cancel';
}

interface StatusNote<S extends string> {
  status: S;
  at: string;
}

interface ChartRunnerOptions<M extends AnyStateMachine, S extends string> {
  machine: M;
  input: InputFrom<M>;
  /** The public status of a snapshot (each state carries one status tag). */
  statusOf: (snapshot: SnapshotFrom<M>) => S;
  /** Performs one named effect; effects the answer does not need go through `afterAnswer`. */
  perform: (effect: NamedEffectOf<M>) => Promise<void>;
  /** Records what an event changed (the read model), once its timers are set and before its effects run. */
  record: (change: { statusChanged: boolean }) => Promise<void>;
  /** Histories from before the read model recorded a new status before setting timers. */
  recordStatusFirst?: (change: { statusChanged: boolean }) => Promise<void>;
  /** Whether effects queued with `afterAnswer` wait for the answer (false: histories from before that rule run them in turn). */
  answerFirst: boolean;
}

export type Refusal<S extends string> = { status: S } & Record<string, unknown>;

/** What `chartRunner` gives a workflow: the snapshot, the history, and the ways to feed and answer. */
export type ChartRunner<M extends AnyStateMachine, S extends string> = ReturnType<typeof chartRunner<M, S>>;

/** Refuses the message being handled: a non-retryable failure of `type`, with the status in its details. */
function refusalWith<S extends string>(status: () => S) {
  return (type: string, message: string, extra: Record<string, unknown> = {}): never => {
    throw ApplicationFailure.create({
      type,
      message,
      nonRetryable: true,
      details: [{ status: status(), ...extra } satisfies Refusal<S>],
    });
  };
}

/**
 * Updates handled one at a time (`exclusive`), each checked twice: when it arrives (`validate`,
 * by default `check`; a refusal leaves no trace in history) and by `check` when its turn comes,
 * since earlier messages may have moved the chart.
 */
function serialUpdates(exclusive: <T>(work: () => Promise<T>) => Promise<T>) {
  return function onUpdate<Result, Args extends unknown[]>(
    update: UpdateDefinition<Result, Args>,
    check: (...args: Args) => void,
    handle: (...args: Args) => Promise<Result>,
    validate: (...args: Args) => void = check,
  ): void {
    setHandler(
      update,
      (...args: Args) =>
        exclusive(async () => {
          check(...args);
          return handle(...args);
        }),
      { validator: validate },
    );
  };
}

/** Work an answer does not wait for, in the order of the one answer rule (see the top of this file). */
function laterWork(
  answerFirst: boolean,
  exclusive: <T>(work: () => Promise<T>) => Promise<T>,
  background: ReturnType<typeof backgroundWork>,
) {
  /** Work that the answer to the current message does not wait for: next in line, after it. */
  function afterAnswer(later: () => Promise<void>): Promise<void> {
    if (!answerFirst) return later();
    void exclusive(later);
    return Promise.resolve();
  }
  return {
    afterAnswer,
    /**
     * An approvers' notice: on arrival it runs beside the request's messages (a decision may come
     * at once), and only from the arrival-notice patch on (`arrivalNotice`); every later one runs
     * after the answer. `send` is the workflow's activity call, given the chart's params.
     */
    notifyApprovers<P extends { notice: ApproverNotice }>(
      params: P,
      arrivalNotice: boolean,
      send: (params: P) => Promise<void>,
    ): Promise<void> {
      const notify = () => send(params);
      if (params.notice !== 'ARRIVAL') return afterAnswer(notify);
      if (arrivalNotice) background.run('arrival-notice', notify);
      return Promise.resolve();
    },
  };
}

export function chartRunner<M extends AnyStateMachine, S extends string>(options: ChartRunnerOptions<M, S>) {
  const { machine } = options;
  const [firstSnapshot, firstEffects] = initialTransition(machine, options.input);
  let snapshot: SnapshotFrom<M> = firstSnapshot;
  const history: StatusNote<S>[] = [];
  const timers = durableTimers<EventFrom<M>>((event) => dispatch(event));
  const background = backgroundWork();
  const work = serialWork();
  const exclusive = work.run;
  const status = (): S => options.statusOf(snapshot);
  // The first status is in the history from the first moment.
  history.push({ status: status(), at: new Date().toISOString() });

  /** Notes a status change in the history at once (queries see it); says whether there was one. */
  function noteStatus(): boolean {
    const current = status();
    if (history.at(-1)?.status === current) return false;
    history.push({ status: current, at: new Date().toISOString() });
    return true;
  }

  /** Timers first (a deadline runs from when the chart set it), then the record of the change, then the named effects. */
  async function performAll(effects: readonly ChartEffect<M>[], change?: { statusChanged: boolean }): Promise<void> {
    if (change) await options.recordStatusFirst?.(change);
    for (const effect of effects.filter(isTimer))
      if (effect.type === 'xstate.raise') timers.start(effect.params.id, effect.params.event, effect.params.delay);
      else timers.cancel(effect.params.sendId);
    if (change) await options.record(change);
    for (const effect of effects) if (!isTimer(effect)) await options.perform(effect);
  }

  function transitionBy(event: EventFrom<M>): { effects: readonly ChartEffect<M>[]; statusChanged: boolean } {
    const [next, actions] = transition(machine, snapshot, event);
    snapshot = next;
    return { effects: effectsOf<M>(actions), statusChanged: noteStatus() };
  }

  /** Feeds one event to the chart and performs what it names. Call only inside `exclusive`. */
  async function step(event: EventFrom<M>): Promise<void> {
    const { effects, statusChanged } = transitionBy(event);
    await performAll(effects, { statusChanged });
  }

  const dispatch = (event: EventFrom<M>): Promise<void> => exclusive(() => step(event));

  const { afterAnswer, notifyApprovers } = laterWork(options.answerFirst, exclusive, background);

  return {
    get snapshot(): SnapshotFrom<M> {
      return snapshot;
    },
    status,
    history: (): StatusNote<S>[] => [...history],
    /** When the earliest running timer of the chart falls due. */
    nextTimerDueAt: timers.nextDueAt,
    exclusive,
    step,
    dispatch,

    /** The first state's effects, first in line. `recorded`: whether the first state is recorded before them. */
    start({ recorded }: { recorded: boolean }): Promise<void> {
      return exclusive(() => performAll(effectsOf<M>(firstEffects), recorded ? { statusChanged: true } : undefined));
    },

    afterAnswer,

    /**
     * Histories from before the one answer rule: the event is recorded, the update answers, and
     * all its effects run next in line. Call only inside `exclusive`.
     */
    async answerBeforeEffects(event: EventFrom<M>): Promise<void> {
      const { effects, statusChanged } = transitionBy(event);
      await options.record({ statusChanged });
      void exclusive(() => performAll(effects));
    },

    /**
     * Starts work that may take long (an outside service down, a deadline days away) without holding
     * up other messages. `then` runs outside the work's scope: stopping the work never cancels it.
     */
    inBackground: background.run,
    stopBackground: background.stop,

    notifyApprovers,

    refuse: refusalWith(status),
    onUpdate: serialUpdates(exclusive),

    /** Until the chart is done and nothing is left to do. */
    finished(): Promise<void> {
      return condition(() => isDone(snapshot) && work.idle() && background.size() === 0 && allHandlersFinished());
    },
  };
}

/**
 * What changed since the view and route last written to the read model, so that a workflow writes
 * only when something did: undefined when nothing changed, else whether the route did.
 */
export function readModelChanges() {
  let writtenView = '';
  let writtenRoute = '';
  return (view: unknown, route: unknown, statusChanged: boolean): { routeChanged: boolean } | undefined => {
    const viewJson = JSON.stringify(view);
    const routeJson = JSON.stringify(route ?? null);
    if (viewJson === writtenView && routeJson === writtenRoute && !statusChanged) return undefined;
    const routeChanged = routeJson !== writtenRoute;
    writtenView = viewJson;
    writtenRoute = routeJson;
    return { routeChanged };
  };
}
