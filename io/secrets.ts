// The secrets this process holds (a client secret, an authorization code, an access token): whatever it
// prints goes through redactSecrets, so a server that echoes one back in its error never gets it shown.

const held = new Set<string>();

/** Akkoma's tokens are 43 characters; anything near this long is not one, and would be sent on every scrape. */
export const maxTokenLength = 4096;
/** Shorter strings would redact ordinary words; no real secret is this short. */
const shortest = 6;

/** Remembers `secret` for redaction from now on; returns it. */
export function holdSecret(secret: string): string {
  if (secret.length >= shortest) {
    held.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) held.add(encoded);
  }
  return secret;
}

/** `text` with every held secret replaced by REDACTED. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of held) if (out.includes(secret)) out = out.split(secret).join("REDACTED");
  return out;
}
