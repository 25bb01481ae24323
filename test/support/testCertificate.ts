/**
 * The test certificate of the project's fake HTTPS servers on 127.0.0.1: self-signed, for the IP
 * address 127.0.0.1 (subjectAltName), RSA 2048, valid a day; made once per test process (the key
 * by Node's crypto, the certificate by node-forge).
 *
 * Only a client that is handed `cert` as its certificate authority trusts a server holding it:
 * an undici `Agent({connect: {ca}})` for fetch (test/audit/fakeGraph.ts), or `tlsOptions: {ca}`
 * for the Azure SDK's pipeline. Nothing here changes what the process trusts globally (no
 * NODE_TLS_REJECT_UNAUTHORIZED, no NODE_EXTRA_CA_CERTS). Every fake server of the tests shares it.
 */
import { generateKeyPairSync } from "crypto";
import forge from "node-forge";

/** A PEM private key (PKCS#8) and its certificate, as `https.createServer` takes them. */
export interface TestCertificate {
  key: string;
  cert: string;
}

let certificate: TestCertificate | undefined;

/** The process's test certificate for 127.0.0.1 (made on first use, then the same one). */
export function testCertificate(): TestCertificate {
  if (certificate !== undefined) return certificate;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const name = [{ name: "commonName", value: "127.0.0.1" }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  certificate = { key: privateKey, cert: forge.pki.certificateToPem(cert) };
  return certificate;
}
