// otplib's TOTP codes for a base32 secret at several unix times, one per line:
//   node otp.mjs SECRET_B32 TIME...
import { generate } from "otplib";

const [secret, ...times] = process.argv.slice(2);
for (const t of times) {
  // Defaults: SHA-1, 6 digits, 30 s period (what authenticator apps use).
  console.log(await generate({ secret, epoch: Number(t) }));
}
