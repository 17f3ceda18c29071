/**
 * `sync-key [--data-dir DIR]`: prints the station's JWKS (its SMART Backend Services public key) for
 * registration with the FHIR server's authorization server, creating the key pair on first use.
 */
import { FileKeyProvider } from '../../records/key-provider';
import { loadStationSigningKey, readStationJwks, SIGNING_KEY_FILE } from '../../sync/station-signing-key';
import { EXIT_OK, UsageError, parseVerbArgs, type Verb } from '../verb';

export const syncKeyVerb: Verb = {
  name: 'sync-key',
  summary: "print the station's JWKS for registering it with a FHIR server (SMART Backend Services)",
  help: `Usage: npm run -s cli -- sync-key [--data-dir DIR]

Prints the station's public key as a JSON Web Key Set (one ES384 key; its kid is the key's RFC 7638
thumbprint). Give it, or a URL serving it, to the FHIR server's administrator, who registers the
station as a SMART Backend Services client and tells you its client id and token URL (settings
fhirServer.clientId and fhirServer.tokenUrl).

The key pair is created on first use: the public key in DIR/${SIGNING_KEY_FILE}, the private key only
encrypted there, under the sync key (DIR/sync.key in web mode and for the CLI; sealed by the OS
keychain in the desktop app). A key pair the desktop app created is printed without unsealing it.
The private key is never printed.

Exit status: 0 printed, 1 the key cannot be read or created, 2 bad input.
`,
  async run(args, ctx) {
    const { positionals } = parseVerbArgs(args, {});
    if (positionals.length > 0) throw new UsageError('takes no arguments besides --data-dir');
    const jwks = readStationJwks(ctx.dataDir) ?? { keys: [(await loadStationSigningKey(ctx.dataDir, new FileKeyProvider(ctx.dataDir).syncKeyProvider())).publicJwk] };
    ctx.stdout(`${JSON.stringify(jwks, null, 2)}\n`);
    return EXIT_OK;
  },
};
