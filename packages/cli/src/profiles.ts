/**
 * Credentials: flags never carry secrets. They come from the vendor's environment variables (the ones
 * the SDK reads) or from a named profile in the user's config directory, a file only its owner can read
 * (mode 0600). Values are never printed: `profile list` shows which keys are set.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.js';
import type { Vendor } from './vendors.js';

type Profiles = Record<string, Partial<Record<string, Record<string, string>>>>;

export function configDir(): string {
  if (process.env.TELCO_CONFIG_DIR) return process.env.TELCO_CONFIG_DIR;
  const base = process.env.XDG_CONFIG_HOME || (process.platform === 'win32' ? process.env.APPDATA : undefined) || join(homedir(), '.config');
  return join(base!, 'telco');
}

export function profilesFile(): string {
  return join(configDir(), 'profiles.json');
}

export function readProfiles(): Profiles {
  const file = profilesFile();
  if (!existsSync(file)) return {};
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new UsageError(`${file} can be read by other users; run: chmod 600 ${file}`);
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Profiles;
  } catch {
    throw new UsageError(`${file} is not valid JSON`);
  }
}

export function writeProfiles(profiles: Profiles): void {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = profilesFile();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(profiles, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/**
 * The credentials a command uses: a named profile when `--profile` is given; otherwise the environment,
 * falling back key by key to the `default` profile.
 */
export function credentialsFor(vendor: Vendor, profileName: string | undefined): Record<string, string> {
  const profiles = readProfiles();
  if (profileName !== undefined) {
    const entry = profiles[profileName]?.[vendor.name];
    if (!entry) throw new UsageError(`profile ${JSON.stringify(profileName)} has no ${vendor.name} credentials (\`telco profile list\`)`);
    return { ...entry };
  }
  const fallback = profiles.default?.[vendor.name] ?? {};
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(vendor.credentials)) {
    const value = process.env[spec.env] || fallback[key];
    if (value) out[key] = value;
  }
  return out;
}

/** Saves a vendor's credentials under a profile, from its environment variables or a JSON object on stdin. */
export function saveProfile(vendor: Vendor, profileName: string, values: Record<string, string>): string[] {
  const unknown = Object.keys(values).filter((k) => !(k in vendor.credentials));
  if (unknown.length) throw new UsageError(`${vendor.name} credentials have no ${unknown.join(', ')}; they are ${Object.keys(vendor.credentials).join(', ')}`);
  const missing = Object.entries(vendor.credentials).filter(([k, s]) => !s.optional && !values[k]).map(([k, s]) => `${k} (${s.env})`);
  if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
  const profiles = readProfiles();
  profiles[profileName] = { ...profiles[profileName], [vendor.name]: values };
  writeProfiles(profiles);
  return Object.keys(values);
}
