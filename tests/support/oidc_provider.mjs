// A real OpenID Connect provider for tests: the npm package oidc-provider (installed by
// scripts/setup-deps from the committed package-lock.json) on 127.0.0.1, a free port,
// with one static confidential client, its development login and consent forms (any
// login name, any password) and fresh RS256 and ES256 signing keys.
//
//   node tests/support/oidc_provider.mjs --client-id ID --client-secret SECRET
//        --redirect-uri URL [--alg RS256|ES256] [--id-token MODE] [--max-seconds N]
//        [--tls-cert FILE --tls-key FILE]
//
// Prints "oidc-provider listening on http(s)://127.0.0.1:PORT" (the issuer) once ready;
// HTTPS with --tls-cert and --tls-key.
// The login name becomes the account's sub, email and preferred_username, all in the
// ID token. MODE makes the provider misbehave the way a test needs:
//   normal          (default) ID tokens as the provider issues them
//   wrong-audience  ID tokens for another client ("aud": "another-service")
//   expired         ID tokens whose exp passed an hour ago
// It stops by itself when its parent process dies or after --max-seconds (default 300).
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    alg: { type: 'string', default: 'RS256' },
    'id-token': { type: 'string', default: 'normal' },
    'max-seconds': { type: 'string', default: '300' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
  },
});
for (const required of ['client-id', 'client-secret', 'redirect-uri']) {
  if (!args[required]) {
    console.error(`oidc_provider: --${required} is required`);
    process.exit(2);
  }
}
const mode = args['id-token'];
if (!['normal', 'wrong-audience', 'expired'].includes(mode)) {
  console.error(`oidc_provider: unknown --id-token mode ${mode}`);
  process.exit(2);
}

// Never outlive the test that started it.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 200).unref();
setTimeout(() => process.exit(0), Number(args['max-seconds']) * 1000);

function signingKey(type, options, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg, use: 'sig' };
}
const jwks = {
  keys: [
    signingKey('rsa', { modulusLength: 2048 }, 'RS256'),
    signingKey('ec', { namedCurve: 'P-256' }, 'ES256'),
  ],
};

const tls = Boolean(args['tls-cert'] && args['tls-key']);
const server = tls
  ? createHttpsServer({ cert: readFileSync(args['tls-cert']), key: readFileSync(args['tls-key']) })
  : createHttpServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: args['client-id'],
        client_secret: args['client-secret'],
        redirect_uris: [args['redirect-uri']],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: args.alg,
      },
    ],
    jwks,
    cookies: { keys: [randomUUID()] },
    pkce: { required: () => true },
    // Scope claims in the ID token itself, as Entra ID sends email and preferred_username.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['preferred_username', 'name'],
    },
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id, email_verified: true, preferred_username: id, name: id };
        },
      };
    },
    features: { devInteractions: { enabled: true } },
  });

  if (mode !== 'normal') {
    // The provider's own issuing and signing, with the audience or expiry a broken
    // (or hostile) provider would give.
    const issue = provider.IdToken.prototype.issue;
    provider.IdToken.prototype.issue = function issueForTest(options = {}) {
      if (options.use !== 'idtoken') return issue.call(this, options);
      if (mode === 'expired') return issue.call(this, { ...options, expiresAt: Math.floor(Date.now() / 1000) - 3600 });
      this.client = new Proxy(this.client, {
        get: (target, key) => (key === 'clientId' ? 'another-service' : Reflect.get(target, key, target)),
      });
      return issue.call(this, options);
    };
  }

  server.on('request', provider.callback());
  console.log(`oidc-provider listening on ${issuer}`);
});
