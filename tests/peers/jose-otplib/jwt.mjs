// jose as an independent JWT implementation. Prints one JSON line.
//   node jwt.mjs verify ALG KEY TOKEN ISS AUD TYP NOW
//   node jwt.mjs sign ALG KEY KID TYP CLAIMS_JSON
// KEY: for HS256 the secret in hex; for EdDSA a PEM file path (public key to verify,
// PKCS#8 private key to sign).
import { readFileSync } from "node:fs";
import { SignJWT, importPKCS8, importSPKI, jwtVerify } from "jose";

const [cmd, alg, keyArg, ...rest] = process.argv.slice(2);

async function key(forSigning) {
  if (alg === "HS256") return Buffer.from(keyArg, "hex");
  const pem = readFileSync(keyArg, "utf8");
  return forSigning ? importPKCS8(pem, "EdDSA") : importSPKI(pem, "EdDSA");
}

try {
  if (cmd === "verify") {
    const [token, issuer, audience, typ, now] = rest;
    const { payload, protectedHeader } = await jwtVerify(token, await key(false), {
      algorithms: [alg],
      issuer,
      audience,
      typ,
      currentDate: new Date(Number(now) * 1000),
      requiredClaims: ["exp", "nbf", "iat", "iss", "aud"],
    });
    console.log(JSON.stringify({ ok: true, payload, header: protectedHeader }));
  } else if (cmd === "sign") {
    const [kid, typ, claims] = rest;
    const token = await new SignJWT(JSON.parse(claims))
      .setProtectedHeader({ alg, kid, typ })
      .sign(await key(true));
    console.log(JSON.stringify({ ok: true, token }));
  } else {
    throw new Error(`unknown command ${cmd}`);
  }
} catch (e) {
  console.log(JSON.stringify({ ok: false, code: e.code ?? "ERROR", message: String(e.message) }));
}
