// otplib reading an otpauth URI (as an authenticator app would) and giving its TOTP codes at
// several unix times, one per line:
//   node otpfromuri.mjs OTPAUTH_URI TIME...
import { parseURI } from "@otplib/uri";
import { generate } from "otplib";

const [uri, ...times] = process.argv.slice(2);
const { type, params } = parseURI(uri);
if (type !== "totp") throw new Error(`not a TOTP URI: ${type}`);
for (const t of times) {
  console.log(
    await generate({
      secret: params.secret,
      algorithm: params.algorithm ?? "sha1",
      digits: params.digits ?? 6,
      period: params.period ?? 30,
      epoch: Number(t),
    }),
  );
}
