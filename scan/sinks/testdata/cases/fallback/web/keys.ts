export const signingKey: string = process.env.SIGNING_KEY ?? 'signing-dev'; // want "secret-default-fallback"
export const appKey = process.env.APP_KEY || "base64:abc"; // want "secret-default-fallback"
export const debug = process.env.DEBUG || 'false';
export const webhook = process.env.WEBHOOK_SECRET || 'whsec';
