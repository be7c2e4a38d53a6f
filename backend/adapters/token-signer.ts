export interface TokenClaims {
  readonly jti: string;
  readonly sub: string;
  readonly exp: number;
}

export interface TokenSigner {
  sign(claims: { jti: string; sub: string; expiresAt: Date }): Promise<string>;
  /** Returns undefined for any token that is not ours, tampered with or expired. */
  verify(token: string): Promise<TokenClaims | undefined>;
}

/** jose is loaded by the first sign or verify: an idle server with nobody signed in never needs it. */
export class JoseTokenSigner implements TokenSigner {
  readonly #secret: Uint8Array;
  #jose: Promise<typeof import('jose')> | undefined;
  constructor(secret: Uint8Array) {
    this.#secret = secret;
  }

  async sign(claims: { jti: string; sub: string; expiresAt: Date }): Promise<string> {
    const { SignJWT } = await this.#load();
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setJti(claims.jti)
      .setSubject(claims.sub)
      .setIssuer('aniworld')
      .setIssuedAt()
      .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
      .sign(this.#secret);
  }

  async verify(token: string): Promise<TokenClaims | undefined> {
    const { jwtVerify, errors } = await this.#load();
    try {
      const { payload } = await jwtVerify(token, this.#secret, { algorithms: ['HS256'], issuer: 'aniworld' });
      if (typeof payload.jti !== 'string' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return undefined;
      return { jti: payload.jti, sub: payload.sub, exp: payload.exp };
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }

  #load(): Promise<typeof import('jose')> {
    this.#jose ??= import('jose');
    return this.#jose;
  }
}
