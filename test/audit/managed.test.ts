/**
 * Recognising this project's credentials in Graph display names (policy/core/managed.ts), as the
 * audit sees them: certificate subjects in either RDN order, with any label form for the serial
 * number, cut at Graph's 90 characters; and common names within X.509's 64-character bound.
 */
import { strict as assert } from "assert";
import {
  COMMON_NAME_MAX,
  GRAPH_KEY_DISPLAY_NAME_MAX,
  isManagedCredentialName,
  managedCertificateCommonName,
  managedPasswordDisplayName,
  parseManagedCredentialName,
} from "../../policy/core/managed";
import { APP_NAME_MAX } from "../../components/config/appConfig";
import { Duration } from "luxon";
import {
  certificateInputs,
  RotationSettings,
  rotationState,
  SlotState,
} from "../../components/rotation";

/** What `random.RandomId.hex` gives the subject's serialNumber: 8 bytes, 16 hex characters. */
const SERIAL = "0f1e2d3c4b5a6978";

/**
 * The key credential's displayName Graph shows for a certificate added without one: the subject
 * as a string, then cut at 90 characters.
 */
function graphDisplayName(
  commonName: string,
  options: { order: "cn-first" | "serial-first"; label: string; separator: string },
): string {
  const cn = `CN=${commonName}`;
  const serial = `${options.label}=${SERIAL}`;
  const subject =
    options.order === "cn-first"
      ? `${cn}${options.separator}${serial}`
      : `${serial}${options.separator}${cn}`;
  return subject.slice(0, GRAPH_KEY_DISPLAY_NAME_MAX);
}

const FORMS = ["cn-first", "serial-first"].flatMap((order) =>
  ["SERIALNUMBER", "OID.2.5.4.5", "2.5.4.5", "serialNumber"].flatMap((label) =>
    [", ", ",", "; ", " , "].map((separator) => ({
      order: order as "cn-first" | "serial-first",
      label,
      separator,
    })),
  ),
);

/** The slots of a 30-day rotation anchored at 2024-01-01, at 2026-01-01: generations of two digits. */
function slots(): SlotState[] {
  const settings: RotationSettings = {
    anchorMs: Date.UTC(2024, 0, 1),
    period: "P30D",
    periodDuration: Duration.fromISO("P30D"),
    grace: "P7D",
    graceDuration: Duration.fromISO("P7D"),
    slots: 2,
    trigger: "",
  };
  return rotationState(settings, Date.UTC(2026, 0, 1)).slots;
}

describe("managed credential names", () => {
  it("keeps short common names as they were (no certificate is replaced)", () => {
    assert.equal(
      managedCertificateCommonName("orders", 0, 3),
      "app-credentials orders slot 0 generation 3",
    );
    assert.equal(managedPasswordDisplayName(1, 4), "app-credentials slot 1 generation 4");
  });

  it("recognises the subject in either RDN order, any serialNumber label and spacing", () => {
    const cn = managedCertificateCommonName("orders-api", 1, 12);
    for (const form of FORMS) {
      const name = graphDisplayName(cn, form);
      assert.ok(isManagedCredentialName(name), name);
      assert.deepEqual(parseManagedCredentialName(name), {
        kind: "certificate",
        app: "orders-api",
        slot: 1,
        generation: 12,
      });
    }
    // Lower-case label, quoted value, OID label for the common name.
    for (const name of [
      `SERIALNUMBER=${SERIAL}, cn=${cn}`,
      `SERIALNUMBER=${SERIAL}, CN="${cn}"`,
      `OID.2.5.4.5=${SERIAL}, OID.2.5.4.3=${cn}`,
      `2.5.4.5=${SERIAL},2.5.4.3=${cn}`,
      `serialNumber=${SERIAL}+CN=${cn}`,
    ]) {
      assert.equal(parseManagedCredentialName(name)?.app, "orders-api", name);
    }
  });

  it("recognises a subject Graph cut at 90 characters, app name included", () => {
    // The longest common name (64) behind the longest serialNumber RDN loses its end to the cut.
    const app = "a".repeat(APP_NAME_MAX);
    const cn = managedCertificateCommonName(app, 1, 123_456);
    assert.equal(cn.length <= COMMON_NAME_MAX, true);
    for (const form of FORMS) {
      const name = graphDisplayName(cn, form);
      assert.ok(name.length <= GRAPH_KEY_DISPLAY_NAME_MAX);
      const parsed = parseManagedCredentialName(name);
      assert.equal(parsed?.kind, "certificate", name);
      assert.equal(parsed?.app, cn.split(" ")[1], name);
    }
    // An app name that fits exactly: the cut takes part of "generation <g>", never the app.
    const exact = "b".repeat(COMMON_NAME_MAX - "app-credentials  slot 0 generation 7".length);
    const fits = managedCertificateCommonName(exact, 0, 7);
    assert.equal(fits.length, COMMON_NAME_MAX);
    const cut = `SERIALNUMBER=${SERIAL}, CN=${fits}`.slice(0, GRAPH_KEY_DISPLAY_NAME_MAX);
    assert.notEqual(cut.endsWith(fits), true, "the test cuts into the common name");
    assert.deepEqual(parseManagedCredentialName(cut), {
      kind: "certificate",
      app: exact,
      slot: 0,
      generation: null,
    });
  });

  it("shortens a long app name deterministically, with a hash, to at most 64 characters", () => {
    const longest = "x".repeat(APP_NAME_MAX);
    const sibling = `${"x".repeat(APP_NAME_MAX - 1)}y`;
    for (const [s, g] of [
      [0, 0],
      [1, 9],
      [1, 123_456_789],
      [1, Number.MAX_SAFE_INTEGER],
    ]) {
      const cn = managedCertificateCommonName(longest, s, g);
      assert.ok(cn.length <= COMMON_NAME_MAX, `${cn} (${cn.length})`);
      assert.ok(cn.startsWith("app-credentials "));
      assert.ok(cn.endsWith(` slot ${s} generation ${g}`), cn);
      assert.equal(cn, managedCertificateCommonName(longest, s, g), "deterministic");
      assert.notEqual(cn, managedCertificateCommonName(sibling, s, g), "distinct apps");
      assert.ok(isManagedCredentialName(`CN=${cn}`));
    }
    // The first name too long keeps its first characters, then `.` and 8 hex characters.
    const cn = managedCertificateCommonName(longest, 1, 42);
    assert.match(cn, /^app-credentials x+\.[0-9a-f]{8} slot 1 generation 42$/);
    // certificateInputs (components/rotation.ts) declares the certificate with it.
    for (const state of slots()) {
      const { commonName } = certificateInputs(longest, state);
      assert.equal(commonName, managedCertificateCommonName(longest, state.slot, state.generation));
      assert.ok(commonName.length <= COMMON_NAME_MAX, commonName);
      assert.equal(certificateInputs("orders", state).commonName.split(" ")[1], "orders");
    }
  });

  it("does not take other names for managed ones", () => {
    for (const name of [
      null,
      undefined,
      42,
      "",
      "portal secret",
      "CN=legacy portal",
      "CN=someone, O=app-credentials x slot 0 generation 1",
      `SERIALNUMBER=app-credentials x slot 0 generation 1, CN=${SERIAL}`,
      "CN=app-credentialsx slot 0 generation 1",
      "xapp-credentials slot 0 generation 1",
    ]) {
      assert.equal(isManagedCredentialName(name), false, String(name));
      assert.equal(parseManagedCredentialName(name), undefined, String(name));
    }
    assert.deepEqual(parseManagedCredentialName(managedPasswordDisplayName(0, 3)), {
      kind: "password",
      app: null,
      slot: 0,
      generation: 3,
    });
  });
});
