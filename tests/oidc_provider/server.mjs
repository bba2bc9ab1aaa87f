// A real OpenID Provider for Mixtape's tests: oidc-provider (the certified Node.js
// implementation) over real HTTP, plus a few admin endpoints the tests steer it with.
//
//   OIDC_HARNESS='{"clients": [{"client_id": …, "client_secret": …, "redirect_uris": […]}]}' \
//     node server.mjs
//
// prints one JSON line {"issuer": "http://127.0.0.1:PORT"} once it listens on a free port.
//
// Interactions (devInteractions off): GET /interaction/:uid logs in the account named by the
// authorization request's `login_hint` (default "alice") and grants what was asked, with no
// page; `login_hint=deny` refuses consent (the callback gets error=access_denied).
//
// Admin endpoints (POST, JSON):
//   /_admin/rotate   a new signing key replaces the old one in the JWKS (key rotation)
//   /_admin/tamper   the next ID token the token endpoint issues is re-signed with the given
//                    `claims` merged in (e.g. another `aud`); `unpublished_key: true` signs it
//                    with a key the JWKS never shows
//   /_admin/down     {"down": true}: every other request answers 503 until {"down": false}
//   /_admin/reset    up again, nothing tampered
import http from 'node:http';
import { Provider } from 'oidc-provider';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';

const config = JSON.parse(process.env.OIDC_HARNESS || '{}');
const clients = (config.clients || []).map((client) => ({
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_basic',
  ...client,
}));

let keyCount = 0;
async function newSigningKey() {
  keyCount += 1;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `key-${keyCount}-${Date.now()}`, alg: 'RS256', use: 'sig' };
}

function account(sub) {
  const name = sub.charAt(0).toUpperCase() + sub.slice(1);
  return {
    accountId: sub,
    async claims() {
      return { sub, email: `${sub}@example.com`, email_verified: true, name };
    },
  };
}

let tamper = null;
let down = false;
let signingKey = await newSigningKey();
let provider;

function build(issuer) {
  const built = new Provider(issuer, {
    clients,
    jwks: { keys: [signingKey] },
    findAccount: async (ctx, sub) => account(sub),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The ID token carries the claims of its scopes (as Google's does), not only userinfo.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    cookies: { keys: ['mixtape-test-harness-cookie-key'] },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  });
  built.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && tamper && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token, tamper) };
      tamper = null;
    }
  });
  return built;
}

async function resign(idToken, { claims = {}, unpublished_key: unpublished = false }) {
  const payload = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString());
  const jwk = unpublished ? await newSigningKey() : signingKey;
  const key = await importJWK(jwk, 'RS256');
  return new SignJWT({ ...payload, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
    .sign(key);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const hint = details.params.login_hint || 'alice';
  if (hint === 'deny') {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user refused.' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const accountId = details.prompt.name === 'login' ? hint : details.session.accountId;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const result = { consent: { grantId } };
  if (details.prompt.name === 'login') result.login = { accountId };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : {};
}

async function admin(req, res, path) {
  const body = await readJson(req);
  if (path === '/_admin/rotate') {
    signingKey = await newSigningKey();
    provider = build(provider.issuer);
  } else if (path === '/_admin/tamper') {
    tamper = body;
  } else if (path === '/_admin/down') {
    down = Boolean(body.down);
  } else if (path === '/_admin/reset') {
    down = false;
    tamper = null;
  } else {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kid: signingKey.kid, down }));
}

const server = http.createServer(async (req, res) => {
  const path = new URL(req.url, 'http://harness').pathname;
  try {
    if (req.method === 'POST' && path.startsWith('/_admin/')) {
      await admin(req, res, path);
    } else if (down) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
    } else if (req.method === 'GET' && path.startsWith('/interaction/')) {
      await interaction(req, res);
    } else {
      provider.callback()(req, res);
    }
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
  }
});

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = build(issuer);
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
