import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

export const TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

export interface TokenSettings {
  secret: Uint8Array;
  issuer: string;
  audience: string;
}

export interface VerifiedToken {
  userId: string;
  jti: string;
  expiresAt: Date;
}

/** Signs a 24-hour HS256 management token for a user. */
export async function signManagementToken(settings: TokenSettings, userId: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setJti(randomUUID())
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
    .sign(settings.secret);
}

/** Checks signature, algorithm, issuer, audience and expiry. Returns null for any invalid token. */
export async function verifyManagementToken(
  settings: TokenSettings,
  token: string,
): Promise<VerifiedToken | null> {
  try {
    const { payload } = await jwtVerify(token, settings.secret, {
      algorithms: ['HS256'],
      issuer: settings.issuer,
      audience: settings.audience,
    });
    if (!payload.sub || !payload.jti || !payload.exp) return null;
    return { userId: payload.sub, jti: payload.jti, expiresAt: new Date(payload.exp * 1000) };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return null;
    throw error;
  }
}
