/**
 * The tls rows (terraform-provider-tls, bridged by @pulumi/tls): private keys, self-signed and
 * locally signed certificates, certificate requests.
 */
import {
  TLS_CERT_REQUEST,
  TLS_LOCALLY_SIGNED_CERT,
  TLS_PRIVATE_KEY,
  TLS_SELF_SIGNED_CERT,
} from "../resource-types";
import {
  allowedUses,
  earlyRenewalHours,
  subjectValidations,
  tlsCertDefaults,
  validityPeriodHours,
} from "./rules";
import { TLS, TLS_WO } from "./sources";
import type { ProviderFacts } from "./types";

/** The tls rows, in table order. */
export const TLS_ROWS: readonly ProviderFacts[] = [
  {
    type: TLS_PRIVATE_KEY,
    provider: "tls",
    upstream: "tls_private_key",
    schemaSource: `${TLS}/resource_private_key.go privateKeyResourceSchemaV1`,
    inputs: ["algorithm", "rsaBits", "ecdsaCurve"],
    computedOutputs: [
      "privateKeyPem",
      "privateKeyOpenssh",
      "privateKeyPemPkcs8",
      "publicKeyPem",
      "publicKeyOpenssh",
    ],
    replacingInputs: {
      inputs: "*",
      source: `${TLS}/resource_private_key.go privateKeyResourceSchemaV1: every argument RequiresReplace`,
    },
    secretOutputs: {
      outputs: ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"],
      source: `${TLS}/resource_private_key.go privateKeyResourceSchemaV1: "private_key_pem", "private_key_openssh", "private_key_pem_pkcs8" Sensitive`,
    },
    validations: [
      {
        input: "algorithm",
        rule: { kind: "enum", values: ["RSA", "ECDSA", "ED25519"] },
        enforcement: "plan",
        source: `${TLS}/resource_private_key.go schema "algorithm" stringvalidator.OneOf(supportedAlgorithmsStr()...); ${TLS}/types.go supportedAlgorithms`,
      },
      {
        input: "ecdsaCurve",
        rule: { kind: "enum", values: ["P224", "P256", "P384", "P521"] },
        enforcement: "plan",
        source: `${TLS}/resource_private_key.go schema "ecdsa_curve" stringvalidator.OneOf(supportedECDSACurvesStr()...); ${TLS}/types.go`,
      },
      {
        input: "rsaBits",
        rule: { kind: "integer", min: 1024 },
        enforcement: "apply",
        source:
          `${TLS}/resource_private_key.go schema "rsa_bits" has no validator; ${TLS}/common_key.go keyGenerators ` +
          "rsa.GenerateKey, which refuses keys under 1024 bits since Go 1.24 (the provider's go.mod: go 1.25.8)",
      },
    ],
    defaults: [
      {
        input: "rsaBits",
        value: "2048",
        source: `${TLS}/resource_private_key.go schema "rsa_bits" int64default.StaticInt64(2048)`,
      },
      {
        input: "ecdsaCurve",
        value: "P224",
        source: `${TLS}/resource_private_key.go schema "ecdsa_curve" stringdefault.StaticString(P224)`,
      },
    ],
  },
  {
    type: TLS_SELF_SIGNED_CERT,
    provider: "tls",
    upstream: "tls_self_signed_cert",
    schemaSource: `${TLS}/resource_self_signed_cert.go Schema`,
    inputs: [
      "privateKeyPem",
      "privateKeyPemWo",
      "privateKeyPemWoVersion",
      "subject",
      "validityPeriodHours",
      "allowedUses",
      "dnsNames",
      "ipAddresses",
      "uris",
      "earlyRenewalHours",
      "isCaCertificate",
      "maxPathLength",
      "setSubjectKeyId",
      "setAuthorityKeyId",
    ],
    computedOutputs: [
      "certPem",
      "validityStartTime",
      "validityEndTime",
      "readyForRenewal",
      "keyAlgorithm",
    ],
    replacingInputs: {
      inputs: [
        "subject",
        "validityPeriodHours",
        "allowedUses",
        "dnsNames",
        "ipAddresses",
        "uris",
        "isCaCertificate",
        "maxPathLength",
        "setSubjectKeyId",
        "setAuthorityKeyId",
        "privateKeyPemWoVersion",
      ],
      conditional: [
        {
          input: "privateKeyPem",
          when: "the prior value is a PEM block (always, for a key from tls.PrivateKey)",
          source: `${TLS}/common.go requireReplaceIfStateContainsPEMString`,
        },
        {
          input: "readyForRenewal",
          when:
            "now ≥ validityEndTime − earlyRenewalHours at plan time (under Pulumi only after a " +
            "refresh: pulumi/pulumi-tls#39)",
          source: `${TLS}/common_cert.go modifyPlanIfCertificateReadyForRenewal`,
        },
      ],
      source:
        `${TLS}/resource_self_signed_cert.go Schema: RequiresReplace on every argument but ` +
        `"early_renewal_hours" (updated in place); subject's attributes each RequiresReplace; ` +
        `privateKeyPemWoVersion: ${TLS_WO}`,
    },
    secretOutputs: {
      outputs: ["privateKeyPem", "privateKeyPemWo"],
      source: `${TLS}/resource_self_signed_cert.go schema "private_key_pem" Sensitive; privateKeyPemWo: ${TLS_WO}`,
    },
    validations: [
      allowedUses("resource_self_signed_cert.go"),
      validityPeriodHours("resource_self_signed_cert.go"),
      earlyRenewalHours("resource_self_signed_cert.go"),
      {
        input: "maxPathLength",
        rule: { kind: "integer", min: -1 },
        enforcement: "plan",
        source: `${TLS}/resource_self_signed_cert.go schema "max_path_length" int64validator.AtLeast(-1)`,
      },
      ...subjectValidations("resource_self_signed_cert.go"),
    ],
    defaults: [
      ...tlsCertDefaults("resource_self_signed_cert.go"),
      {
        input: "id",
        value: "the certificate serial number: random, below 2^128",
        source: `${TLS}/common_cert.go createCertificate (rand.Int(rand.Reader, 1<<128))`,
      },
    ],
  },
  {
    type: TLS_LOCALLY_SIGNED_CERT,
    provider: "tls",
    upstream: "tls_locally_signed_cert",
    schemaSource: `${TLS}/resource_locally_signed_cert.go Schema`,
    inputs: [
      "certRequestPem",
      "caPrivateKeyPem",
      "caPrivateKeyPemWo",
      "caPrivateKeyPemWoVersion",
      "caCertPem",
      "validityPeriodHours",
      "allowedUses",
      "earlyRenewalHours",
      "isCaCertificate",
      "maxPathLength",
      "setSubjectKeyId",
    ],
    computedOutputs: ["certPem", "validityStartTime", "validityEndTime", "readyForRenewal"],
    replacingInputs: {
      inputs: [
        "validityPeriodHours",
        "allowedUses",
        "isCaCertificate",
        "maxPathLength",
        "setSubjectKeyId",
        "caPrivateKeyPemWoVersion",
      ],
      conditional: ["certRequestPem", "caPrivateKeyPem", "caCertPem"].map((input) => ({
        input,
        when: "the prior value is a PEM block",
        source: `${TLS}/common.go requireReplaceIfStateContainsPEMString`,
      })),
      source:
        `${TLS}/resource_locally_signed_cert.go Schema: RequiresReplace on every argument but ` +
        `"early_renewal_hours"; caPrivateKeyPemWoVersion: ${TLS_WO}`,
    },
    secretOutputs: {
      outputs: ["caPrivateKeyPem", "caPrivateKeyPemWo"],
      source: `${TLS}/resource_locally_signed_cert.go schema "ca_private_key_pem" Sensitive; caPrivateKeyPemWo: ${TLS_WO}`,
    },
    validations: [
      allowedUses("resource_locally_signed_cert.go"),
      validityPeriodHours("resource_locally_signed_cert.go"),
      earlyRenewalHours("resource_locally_signed_cert.go"),
    ],
    defaults: tlsCertDefaults("resource_locally_signed_cert.go"),
  },
  {
    type: TLS_CERT_REQUEST,
    provider: "tls",
    upstream: "tls_cert_request",
    schemaSource: `${TLS}/resource_cert_request.go Schema`,
    inputs: [
      "privateKeyPem",
      "privateKeyPemWo",
      "privateKeyPemWoVersion",
      "subject",
      "dnsNames",
      "ipAddresses",
      "uris",
    ],
    computedOutputs: ["certRequestPem", "keyAlgorithm"],
    replacingInputs: {
      inputs: "*",
      conditional: [
        {
          input: "privateKeyPem",
          when: "the prior value is a PEM block",
          source: `${TLS}/common.go requireReplaceIfStateContainsPEMString`,
        },
      ],
      source: `${TLS}/resource_cert_request.go Schema: every argument RequiresReplace (the key conditionally); *_wo: ${TLS_WO}`,
    },
    secretOutputs: {
      outputs: ["privateKeyPem", "privateKeyPemWo"],
      source: `${TLS}/resource_cert_request.go schema "private_key_pem" Sensitive; privateKeyPemWo: ${TLS_WO}`,
    },
    validations: subjectValidations("resource_cert_request.go"),
    defaults: [],
  },
];
