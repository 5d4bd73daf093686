import { generateKeyPair, SignJWT } from 'jose';
import {
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  loadOrCreateSigningKey,
  localSubFor,
  signLocalToken,
} from '#local/auth/jwt.js';

/**
 * Tokens the local JWT authorizer must refuse, as API Gateway's would: one
 * that expired, one whose signature is not the platform key's, and one signed
 * by the platform key but for another audience (another app client).
 */
export async function hostileTokens(dataDir: string, user: string): Promise<Record<string, string>> {
  const expired = await signLocalToken(dataDir, { user, ttlSeconds: 60, now: () => Date.now() - 3_600_000 });
  const key = await loadOrCreateSigningKey(dataDir);
  const claims = (audience: string) =>
    new SignJWT({
      sub: localSubFor(user),
      'cognito:username': user,
      email: `${user}@local`,
      email_verified: true,
      token_use: 'id',
      auth_time: Math.floor(Date.now() / 1000),
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .setJti(`hostile-${audience}`);
  const stranger = await generateKeyPair('ES256');
  return {
    expired,
    'bad signature': await claims(LOCAL_AUDIENCE).sign(stranger.privateKey),
    'wrong audience': await claims('another-app-client').sign(key.privateKey),
  };
}
