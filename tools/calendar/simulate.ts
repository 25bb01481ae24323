/**
 * Rotation calendar simulation: scheduled `pulumi up` runs over years, with the invariants of
 * `docs/rotation-model.md` checked at every deployment and between deployments.
 *
 * Pure: no clock, no I/O. Every instant is in milliseconds since the Unix epoch (`…Ms`), UTC; the
 * violations also carry it as RFC 3339 text. The passwords an app must have at an instant come from
 * `rotationState` in `components/rotation.ts`, the function the `RotatingPasswords` component
 * calls: nothing here recomputes windows, generations or end dates.
 *
 * How a deployment is simulated: the component declares one password per slot with `endDate` and
 * `rotateWhenChanged`; both force replacement in the provider, so a slot's password is replaced
 * (create-before-delete) exactly when either input differs from the previous deployment's. Key
 * Vault's `<app>-client-secret` then holds the active slot's password. Between deployments nothing
 * changes: the deployed state is what the last deployment made.
 *
 * Consumers (`AppConfig.consumers`, invariant 7): each re-reads Key Vault every `refresh`. At the
 * worst phase it read Key Vault just before a switch, so it may still hold the credential Key Vault
 * left for `refresh` after the switch; that credential must neither be deleted nor expire before.
 * The timeline of each consumer is drawn at that worst phase for every switch.
 *
 * Federated apps (`credential: federated`, docs/federation.md) hold no rotating credential: their
 * federated identity credentials never expire and nothing rotates, so the simulation gives them no
 * credential, no switch, no rotation and nothing to violate ({@link AppSimulation.federated}); their
 * consumers sign in with a token of their own platform and hold no credential Key Vault hands over,
 * so invariant 7 does not apply to them (no timeline). Apps in migration (`federation` beside
 * `password` or `certificate`) rotate as any other.
 *
 * The configuration is fixed for the whole simulation (one trigger, period, anchor and grace per
 * app): manual triggers and changes of period or anchor, which revoke the credentials consumers hold
 * on purpose (docs/rotation-model.md, "Consumers"), never happen here, so no instant is exempted
 * from invariant 7.
 */
import { Duration } from "luxon";
import type { AppConfig, ConsumerConfig } from "../../components/config";
import {
  RotationSettings,
  rotationState,
  RotationState,
  windowIndex,
  windowStart,
} from "../../components/rotation";
import { maxPasswords, replacesPasswordsDeleteFirst } from "../../components/passwordLimits";
import { addDuration, ConsumerKind, formatInstant, parseDuration } from "../../policy/core";

/** The rotation model: the passwords of an app at an instant (`rotationState` unless a test swaps it). */
export type RotationModel = (settings: RotationSettings, nowMs: number) => RotationState;

/** What to simulate. */
export interface SimulationOptions {
  /** First deployment, ms since the epoch (the stack is new then: everything is created). */
  fromMs: number;
  /** Length of the simulation in whole years (calendar-correct, UTC); deployments run before `fromMs + years`. */
  years: number;
  /** Deployment cadence: deployments run at `fromMs + i·every` (calendar-correct). */
  every: Duration;
  /** Defaults to `rotationState`, the model the components use. Tests inject broken models. */
  model?: RotationModel;
  /** Refuse to simulate more deployments than this (default 200 000). */
  maxDeployments?: number;
}

/** One generated password (an `ApplicationPassword` / `ServicePrincipalPassword` instance). */
export interface Credential {
  /** `<app>/slot<s>/gen<g>` (a `#n` suffix if the same slot and generation is created again). */
  id: string;
  app: string;
  slot: number;
  generation: number;
  /** The deployment that created it, ms since the epoch. */
  createdAtMs: number;
  /** Its `endDate`, ms since the epoch. */
  endDateMs: number;
  /** When Key Vault started pointing to it (undefined: never), ms since the epoch. */
  activeFromMs?: number;
  /** When Key Vault stopped pointing to it (undefined: still pointing, or never did). */
  supersededAtMs?: number;
  /** The deployment that replaced (deleted) it; undefined if it outlives the simulation. */
  deletedAtMs?: number;
  /** Its `rotateWhenChanged` map as declared. */
  rotateWhenChanged: Record<string, string>;
}

/** Key Vault's client secret moving to another password. */
export interface KeyVaultSwitch {
  app: string;
  /** ms since the epoch (a deployment instant). */
  atMs: number;
  /** Credential id Key Vault held before; undefined at the first deployment. */
  fromId?: string;
  toId: string;
}

/** A deployment that replaced at least one password of an app (the first deployment excluded). */
export interface Rotation {
  app: string;
  atMs: number;
  /** Ids of the passwords created. */
  created: string[];
  /** Ids of the passwords deleted (create-before-delete: after Key Vault is updated). */
  deleted: string[];
}

/** The invariants of the rotation model, numbered as in rotation-model.md. */
export const INVARIANTS = {
  1: "lifetime within maxLifetime and slots·period + grace",
  2: "no password created with an end date in the past",
  3: "Key Vault always refers to a valid password",
  4: "a superseded password stays valid for one more period",
  5: "no rotation between two deployments inside one window",
  6: "never more client secrets at once than the app may hold",
  7: "every consumer holds a credential that exists in Entra ID and has not expired",
} as const;

export type InvariantId = keyof typeof INVARIANTS;

/** An invariant broken at an instant. */
export interface Violation {
  app: string;
  /** When the invariant breaks, ms since the epoch. */
  instantMs: number;
  /** The same instant, RFC 3339 (UTC, whole seconds). */
  instant: string;
  invariant: InvariantId;
  message: string;
  /** The consumer that holds a credential that no longer works (invariant 7 only). */
  consumer?: ConsumerRef;
}

/** A consumer of an app's credential, as violations and timelines name it. */
export interface ConsumerRef {
  app: string;
  name: string;
  kind: ConsumerKind;
  /** How often it re-reads Key Vault, ISO 8601 as configured (e.g. `PT24H`). */
  refresh: string;
}

/** One span of a consumer's timeline: the credential it holds from `fromMs` until `untilMs`. */
export interface ConsumerHold {
  /** A {@link Credential} id. */
  credentialId: string;
  /** ms since the epoch. */
  fromMs: number;
  /** Exclusive, ms since the epoch; no later than the end of the simulation. */
  untilMs: number;
  /**
   * When the credential stops working (deleted or expired) while the consumer still holds it, ms
   * since the epoch; undefined when it works throughout the span.
   */
  brokenFromMs?: number;
}

/** One consumer of an app over the simulation. */
export interface ConsumerSimulation extends ConsumerRef {
  /** True when `refresh` is the kind's documented default. */
  refreshIsDefault: boolean;
  /**
   * What it holds over time at the worst phase of every switch: it starts with what Key Vault
   * holds at the first deployment, and after each switch keeps the credential Key Vault left for
   * `refresh` (it had read Key Vault just before the switch). Contiguous spans, in time order.
   */
  holds: ConsumerHold[];
  /**
   * Shortest margin over the switches: how long the credential Key Vault left keeps working after
   * the consumer has re-read Key Vault (stop − (switch + refresh)), ms; negative when invariant 7
   * breaks; undefined when Key Vault never switched after the first deployment.
   */
  shortestMarginMs?: number;
  /** Its invariant-7 violations, in instant order (also in the app's `violations`). */
  violations: Violation[];
}

/** Everything that happened to one app. */
export interface AppSimulation {
  app: string;
  /**
   * True for a federated app (`credential: federated`): nothing expires, so it has no credential,
   * switch, rotation or violation, and its consumers hold nothing (see the module comment).
   */
  federated: boolean;
  settings: RotationSettings;
  /** ISO 8601, the cap that applies to the app. */
  maxLifetime: string;
  /** Every password generated, in creation order (initial ones included). */
  credentials: Credential[];
  switches: KeyVaultSwitch[];
  rotations: Rotation[];
  /** Every violation found, in instant order; the first is the one to report. */
  violations: Violation[];
  /** The app's consumers (empty when none is declared), in configuration order. */
  consumers: ConsumerSimulation[];
}

/** The result of a simulation. */
export interface Simulation {
  fromMs: number;
  /** End of the simulated span (`fromMs + years`), exclusive, ms since the epoch. */
  untilMs: number;
  /** The cadence as ISO 8601, e.g. `P1D`. */
  every: string;
  /** Every deployment instant, ms since the epoch. */
  deploymentsMs: number[];
  apps: AppSimulation[];
}

/** Raised for options that cannot be simulated (bad cadence, too many deployments). */
export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulationError";
  }
}

/** Deployment instants `fromMs + i·every` before `untilMs`, ms since the epoch. */
export function deploymentInstants(
  fromMs: number,
  untilMs: number,
  every: Duration,
  maxDeployments = 200_000,
): number[] {
  const instants: number[] = [];
  for (let i = 0; ; i++) {
    const at = addDuration(fromMs, every, i);
    if (!Number.isFinite(at)) throw new SimulationError(`cadence ${every.toISO()} is not valid`);
    if (at >= untilMs) break;
    if (i > 0 && at <= instants[i - 1]) {
      throw new SimulationError(`cadence ${every.toISO()} does not advance time`);
    }
    if (instants.length >= maxDeployments) {
      throw new SimulationError(
        `cadence ${every.toISO()} gives more than ${maxDeployments} deployments; use a longer cadence or fewer years`,
      );
    }
    instants.push(at);
  }
  return instants;
}

/** Simulates every app over the same deployment instants. */
export function simulate(apps: AppConfig[], options: SimulationOptions): Simulation {
  if (!Number.isInteger(options.years) || options.years < 1) {
    throw new SimulationError(`years must be a whole number ≥ 1, got ${options.years}`);
  }
  if (!Number.isFinite(options.fromMs)) throw new SimulationError("from is not a valid instant");
  const untilMs = addDuration(options.fromMs, Duration.fromObject({ years: options.years }));
  const deploymentsMs = deploymentInstants(
    options.fromMs,
    untilMs,
    options.every,
    options.maxDeployments,
  );
  const model = options.model ?? rotationState;
  return {
    fromMs: options.fromMs,
    untilMs,
    every: options.every.toISO() ?? String(options.every),
    deploymentsMs,
    apps: apps.map((app) => simulateApp(app, deploymentsMs, untilMs, model)),
  };
}

/** Records a violation of the app being simulated (and returns it). */
type Violate = (
  instantMs: number,
  invariant: InvariantId,
  message: string,
  consumer?: ConsumerRef,
) => Violation;

/** What one deployment declared for a slot, and the password that stands for it. */
interface DeployedSlot {
  rotateWhenChanged: Record<string, string>;
  endDateMs: number;
  credential: Credential;
}

function simulateApp(
  app: AppConfig,
  deploymentsMs: number[],
  untilMs: number,
  model: RotationModel,
): AppSimulation {
  const settings = app.rotation;
  const result: AppSimulation = {
    app: app.name,
    federated: app.credential === "federated",
    settings,
    maxLifetime: app.maxLifetime,
    credentials: [],
    switches: [],
    rotations: [],
    violations: [],
    consumers: [],
  };
  if (result.federated) {
    // No secret, no certificate: nothing is created, switched, deleted or expires. Its consumers
    // present their own platform's token (invariant 7 does not apply): no timeline.
    result.consumers = (app.consumers ?? []).map((consumer) => ({
      app: app.name,
      name: consumer.name,
      kind: consumer.kind,
      refresh: consumer.refresh,
      refreshIsDefault: consumer.refreshIsDefault,
      holds: [],
      violations: [],
    }));
    return result;
  }
  const maxLifetime = parseDuration(app.maxLifetime);
  if (!maxLifetime.ok) throw new SimulationError(`${app.name}: maxLifetime ${maxLifetime.reason}`);
  const violate: Violate = (instantMs, invariant, message, consumer) => {
    const violation: Violation = {
      app: app.name,
      instantMs,
      instant: formatInstant(instantMs),
      invariant,
      message,
      ...(consumer ? { consumer } : {}),
    };
    result.violations.push(violation);
    return violation;
  };
  const ids = new Set<string>();
  const newId = (slot: number, generation: number) => {
    const base = `${app.name}/slot${slot}/gen${generation}`;
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}#${n}`;
    ids.add(id);
    return id;
  };

  // Graph's limit on the app's client secrets, and how the component replaces its passwords
  // (components/passwordLimits.ts): delete-before-create where create-before-delete would pass it.
  const limit = app.credential === "password" ? maxPasswords(app.source) : undefined;
  const deleteFirst = replacesPasswordsDeleteFirst(app.source, app.credential, settings.slots);
  let deployed: DeployedSlot[] = [];
  let previous: RotationState | undefined;
  let keyVault: Credential | undefined;
  const expired = new Set<string>();

  deploymentsMs.forEach((at, index) => {
    // Between the previous deployment and this one, nothing changed: Key Vault's password must
    // still be valid when this deployment runs (it expires at its end date).
    if (keyVault) checkKeyVaultUntil(keyVault, at, "the next deployment", violate, expired);

    const state = model(settings, at);
    const created: Credential[] = [];
    const deleted: Credential[] = [];
    const next: DeployedSlot[] = state.slots.map((slot, i) => {
      const before = deployed[i];
      const endDateMs = slot.endDateMs;
      if (
        before &&
        before.endDateMs === endDateMs &&
        sameMap(before.rotateWhenChanged, slot.rotateWhenChanged)
      ) {
        return before;
      }
      const credential: Credential = {
        id: newId(slot.slot, slot.generation),
        app: app.name,
        slot: slot.slot,
        generation: slot.generation,
        createdAtMs: at,
        endDateMs,
        rotateWhenChanged: { ...slot.rotateWhenChanged },
      };
      result.credentials.push(credential);
      created.push(credential);
      if (before) deleted.push(before.credential);
      // 5: inside one window the inputs must not change.
      if (before && previous && previous.window === state.window) {
        violate(
          at,
          5,
          `slot ${slot.slot} replaced at ${formatInstant(at)} although the previous deployment ` +
            `(same window ${state.window}) declared it with other inputs: ${describeChange(before, slot.rotateWhenChanged, endDateMs)}`,
        );
      }
      // 2: a password is never created already expired.
      if (endDateMs <= at) {
        violate(
          at,
          2,
          `${credential.id} created at ${formatInstant(at)} with end date ${formatInstant(endDateMs)} (not in the future)`,
        );
      }
      // 1: lifetime caps, calendar-correct from the creation instant.
      const capMs = addDuration(at, maxLifetime.value);
      if (endDateMs > capMs) {
        violate(
          at,
          1,
          `${credential.id} lives ${days(endDateMs - at)} days, beyond maxLifetime ${app.maxLifetime} (end date ${formatInstant(endDateMs)} > ${formatInstant(capMs)})`,
        );
      } else {
        // The model's bound: a password created in window k ends by windowStart(k + slots) + grace.
        const k = windowIndex(settings, at);
        const boundMs = addDuration(
          windowStart(settings, k + settings.slots),
          settings.graceDuration,
        );
        if (endDateMs > boundMs) {
          violate(
            at,
            1,
            `${credential.id} ends at ${formatInstant(endDateMs)}, later than ${settings.slots}·${settings.period} + ${settings.grace} ` +
              `after the start of its creation window ${k} (${formatInstant(boundMs)})`,
          );
        }
      }
      return { rotateWhenChanged: slot.rotateWhenChanged, endDateMs, credential };
    });

    // 6: the most passwords the app holds during this deployment. Replacements run slot by slot;
    // create-before-delete deletes the old ones at the end, delete-before-create first.
    if (limit !== undefined) {
      let held = deployed.length;
      let peak = held;
      next.forEach((slot, i) => {
        if (slot === deployed[i]) return;
        if (deployed[i] && deleteFirst) held--;
        held++;
        peak = Math.max(peak, held);
      });
      if (peak > limit) {
        violate(
          at,
          6,
          `${peak} client secrets at once at ${formatInstant(at)}; the app may hold ${limit} (personal Microsoft account audience)`,
        );
      }
      if (deleteFirst && keyVault && deleted.includes(keyVault)) {
        violate(
          at,
          3,
          `${keyVault.id}, which Key Vault holds, is deleted before its replacement exists`,
        );
      }
    }

    // Key Vault: the active slot's password, written after creation and before deletion.
    const active = next[state.activeSlot]?.credential;
    if (!active) {
      violate(at, 3, `no password for active slot ${state.activeSlot}`);
    } else if (active !== keyVault) {
      if (keyVault) {
        keyVault.supersededAtMs = at;
        // 4: with two slots the password Key Vault leaves stays valid for one more period.
        const neededMs = addDuration(at, settings.periodDuration);
        if (settings.slots === 2 && keyVault.endDateMs < neededMs) {
          violate(
            at,
            4,
            `Key Vault left ${keyVault.id} at ${formatInstant(at)}; it expires at ${formatInstant(keyVault.endDateMs)}, ` +
              `${days(keyVault.endDateMs - at)} days later, less than one period ${settings.period} (needs ${formatInstant(neededMs)})`,
          );
        }
      }
      result.switches.push({ app: app.name, atMs: at, fromId: keyVault?.id, toId: active.id });
      active.activeFromMs = at;
      keyVault = active;
      // 3: the password Key Vault now holds exists and is valid.
      if (deleted.includes(active)) violate(at, 3, `Key Vault points to deleted ${active.id}`);
      checkKeyVaultUntil(active, at, "the deployment that wrote it", violate, expired);
    }
    for (const old of deleted) old.deletedAtMs = at;
    if (index > 0 && created.length > 0) {
      result.rotations.push({
        app: app.name,
        atMs: at,
        created: created.map((c) => c.id),
        deleted: deleted.map((c) => c.id),
      });
    }
    deployed = next;
    previous = state;
  });
  // After the last deployment, until the end of the simulated span.
  if (keyVault) {
    checkKeyVaultUntil(keyVault, untilMs, "the end of the simulation", violate, expired);
  }
  // 7: once every deletion is known, each consumer against every switch.
  result.consumers = (app.consumers ?? []).map((consumer) =>
    simulateConsumer(result, consumer, untilMs, violate),
  );
  const byInstant = (a: Violation, b: Violation) =>
    a.instantMs - b.instantMs || a.invariant - b.invariant;
  result.violations.sort(byInstant);
  for (const consumer of result.consumers) consumer.violations.sort(byInstant);
  return result;
}

/** When a credential stops working: its deletion or its end date, whichever comes first. */
export function stopsWorkingMs(credential: Credential): number {
  return Math.min(credential.deletedAtMs ?? Infinity, credential.endDateMs);
}

/**
 * Invariant 7 for one consumer, and its timeline at the worst phase.
 *
 * Key Vault held `switches[i].toId` from `switches[i].atMs` until the next switch. A consumer that
 * re-reads Key Vault every `refresh` and read it just before a switch at t keeps the credential
 * Key Vault left until t + refresh (calendar-correct): that credential must still exist and be
 * valid then. At the first deployment the consumer starts with what Key Vault holds.
 */
function simulateConsumer(
  app: AppSimulation,
  consumer: ConsumerConfig,
  untilMs: number,
  violate: Violate,
): ConsumerSimulation {
  const ref: ConsumerRef = {
    app: app.app,
    name: consumer.name,
    kind: consumer.kind,
    refresh: consumer.refresh,
  };
  const simulation: ConsumerSimulation = {
    ...ref,
    refreshIsDefault: consumer.refreshIsDefault,
    holds: [],
    violations: [],
  };
  const byId = new Map(app.credentials.map((c) => [c.id, c]));
  const reread = (atMs: number) => addDuration(atMs, consumer.refreshDuration);
  app.switches.forEach((change, i) => {
    const held = byId.get(change.toId);
    if (!held) return;
    const next = app.switches[i + 1];
    const stopMs = stopsWorkingMs(held);
    // The span: from the first deployment, or `refresh` after Key Vault moved to it, until
    // `refresh` after Key Vault moves on (or the end of the simulation).
    const fromMs = i === 0 ? change.atMs : reread(change.atMs);
    const holdUntilMs = next ? reread(next.atMs) : untilMs;
    const spanUntilMs = Math.min(holdUntilMs, untilMs);
    if (fromMs < spanUntilMs) {
      simulation.holds.push({
        credentialId: held.id,
        fromMs,
        untilMs: spanUntilMs,
        ...(stopMs < spanUntilMs ? { brokenFromMs: Math.max(fromMs, stopMs) } : {}),
      });
    }
    if (!next) return;
    const marginMs = stopMs - holdUntilMs;
    simulation.shortestMarginMs = Math.min(simulation.shortestMarginMs ?? Infinity, marginMs);
    if (marginMs >= 0) return;
    const deleted = held.deletedAtMs !== undefined && held.deletedAtMs <= held.endDateMs;
    const message =
      `consumer ${consumer.name} (${consumer.kind}, refresh ${consumer.refresh}) may still hold ${held.id} ` +
      `until ${formatInstant(holdUntilMs)}: Key Vault moved to ${next.toId} at ${formatInstant(next.atMs)} ` +
      `and the consumer re-reads it every ${consumer.refresh}, but ${held.id} ` +
      `${deleted ? "is deleted" : "expires"} at ${formatInstant(stopMs)} ` +
      `(${days(holdUntilMs - stopMs)} days without a working credential)`;
    simulation.violations.push(violate(stopMs, 7, message, ref));
  });
  return simulation;
}

/**
 * Invariant 3 over an interval: the password Key Vault holds must still be valid (end date not
 * reached) at `untilMs`, the next deployment or the end of the simulation. The violation is dated
 * when the password expires. Reported once per password.
 */
function checkKeyVaultUntil(
  credential: Credential,
  untilMs: number,
  what: string,
  violate: Violate,
  reported: Set<string>,
): void {
  if (credential.endDateMs > untilMs || reported.has(credential.id)) return;
  reported.add(credential.id);
  violate(
    credential.endDateMs,
    3,
    `Key Vault's client secret ${credential.id} expires at ${formatInstant(credential.endDateMs)}, ` +
      `not after ${what} at ${formatInstant(untilMs)}` +
      (credential.endDateMs < untilMs
        ? ` (${days(untilMs - credential.endDateMs)} days without a valid secret)`
        : ""),
  );
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function describeChange(
  before: DeployedSlot,
  rotateWhenChanged: Record<string, string>,
  endDateMs: number,
): string {
  const changes: string[] = [];
  if (before.endDateMs !== endDateMs) {
    changes.push(`endDate ${formatInstant(before.endDateMs)} → ${formatInstant(endDateMs)}`);
  }
  for (const key of new Set([
    ...Object.keys(before.rotateWhenChanged),
    ...Object.keys(rotateWhenChanged),
  ])) {
    if (before.rotateWhenChanged[key] !== rotateWhenChanged[key]) {
      changes.push(
        `rotateWhenChanged.${key} ${JSON.stringify(before.rotateWhenChanged[key])} → ${JSON.stringify(rotateWhenChanged[key])}`,
      );
    }
  }
  return changes.join(", ");
}

/** Milliseconds as days, two decimals at most. */
export function days(ms: number): number {
  return Math.round((ms / 86_400_000) * 100) / 100;
}
