// otplib's own otpauth URI for the same inputs, to compare with payd's:
//   node otpuri.mjs ISSUER ACCOUNT SECRET_B32
import { generateURI } from "otplib";

const [issuer, label, secret] = process.argv.slice(2);
console.log(generateURI({ issuer, label, secret, algorithm: "sha1", digits: 6, period: 30 }));
