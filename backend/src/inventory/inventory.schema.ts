import { z } from 'zod';

const NAME = /^[^\s/\\][^/\\]{0,126}[^\s/\\]$|^[^\s/\\]$/;

export const nameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(NAME, 'must not start or end with a space and must not contain / or \\');

export const labelsSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(63)
      .regex(/^[A-Za-z0-9_.-]+$/, 'label keys use letters, digits, _ . -'),
    z.string().max(255),
  )
  .refine((l) => Object.keys(l).length <= 32, 'at most 32 labels');

/** Which instances an inspection covers when it runs: every instance of a business, a host, with these labels. */
export const selectorSchema = z.strictObject({
  businessId: z.string().min(1).optional(),
  hostId: z.string().min(1).optional(),
  labels: labelsSchema.optional(),
});

export const engineSchema = z.enum(['mysql', 'mariadb', 'postgres']);

export const tlsSchema = z.strictObject({
  mode: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']),
  ca: z.string().max(65_536).optional(),
});

export const businessInput = z.strictObject({
  name: nameSchema,
  description: z.string().max(2000).optional(),
});
export const businessPatch = businessInput.partial();

export const hostInput = z.strictObject({
  name: nameSchema,
  businessId: z.string().min(1),
  address: z
    .string()
    .min(1, 'must not be empty')
    .max(253)
    .regex(/^[A-Za-z0-9.:_[\]-]+$/, 'must be a hostname or an IP address'),
  labels: labelsSchema.optional(),
});
export const hostPatch = hostInput.partial();

const instanceFields = {
  name: nameSchema,
  hostId: z.string().min(1),
  engine: engineSchema,
  port: z.number().int('must be an integer').min(1, 'must be ≥ 1').max(65535, 'must be ≤ 65535'),
  user: z.string().min(1, 'must not be empty').max(128),
  password: z.string().max(1024).optional(),
  database: z.string().min(1).max(128).optional(),
  tls: tlsSchema.optional(),
  labels: labelsSchema.optional(),
  backupEvidenceSql: z
    .string()
    .max(8000)
    .regex(/^\s*(SELECT|WITH)\b/i, 'must be one SELECT statement returning last_backup_end')
    .refine((sql) => !/;\s*\S/.test(sql), 'must be a single statement (no ;)')
    .optional(),
  enabled: z.boolean().optional(),
};
export const instanceInput = z.strictObject(instanceFields);
export const instancePatch = z
  .strictObject({
    ...instanceFields,
    database: instanceFields.database.nullable(),
    tls: instanceFields.tls.nullable(),
    backupEvidenceSql: instanceFields.backupEvidenceSql.nullable(),
    password: instanceFields.password.nullable(),
  })
  .partial();

const labelsOut = z.record(z.string(), z.string());
const stamps = { id: z.string(), createdAt: z.string(), updatedAt: z.string() };
/** A business as the API shows it. */
export const businessOut = z.object({ ...stamps, name: z.string(), description: z.string().optional() });
/** A host as the API shows it. */
export const hostOut = z.object({
  ...stamps,
  name: z.string(),
  businessId: z.string(),
  address: z.string(),
  labels: labelsOut,
});
/** An instance as the API shows it: never a password, only whether one is set. */
export const instanceOut = z.object({
  ...stamps,
  name: z.string(),
  hostId: z.string(),
  engine: engineSchema,
  port: z.number(),
  user: z.string(),
  passwordSet: z.boolean(),
  database: z.string().optional(),
  tls: tlsSchema.optional(),
  labels: labelsOut,
  backupEvidenceSql: z.string().optional(),
  enabled: z.boolean(),
});
/** The result of `POST /instances/{id}/test`. */
export const connectionTestOut = z.union([
  z.object({
    ok: z.literal(true),
    engine: engineSchema,
    flavor: engineSchema,
    version: z.string(),
    role: z.enum(['primary', 'replica']),
    uptimeSeconds: z.number(),
    missingPrivileges: z.array(z.string()),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
const summaryNames = z.object({ created: z.array(z.string()), updated: z.array(z.string()) });
/** What an inventory import created and updated, by name. */
export const importSummaryOut = z.object({
  dryRun: z.boolean(),
  businesses: summaryNames,
  hosts: summaryNames,
  instances: summaryNames,
});

export type Engine = z.infer<typeof engineSchema>;
export type Labels = Record<string, string>;
export type TlsSettings = z.infer<typeof tlsSchema>;
export type BusinessInput = z.infer<typeof businessInput>;
export type BusinessPatch = z.infer<typeof businessPatch>;
export type HostInput = z.infer<typeof hostInput>;
export type HostPatch = z.infer<typeof hostPatch>;
export type InstanceInput = z.infer<typeof instanceInput>;
export type InstancePatch = z.infer<typeof instancePatch>;
/** Which instances an inspection covers: explicit ids, or every instance matching a selector when it runs. */
export interface InstanceSelector {
  businessId?: string;
  hostId?: string;
  labels?: Record<string, string>;
}

export interface Business {
  id: string;
  name: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
}

export interface Host {
  id: string;
  name: string;
  businessId: string;
  address: string;
  labels: Labels;
  createdAt: string;
  updatedAt: string;
}

/** An instance as stored: the password only ever in sealed form. */
export interface InstanceRecord {
  id: string;
  name: string;
  hostId: string;
  engine: Engine;
  port: number;
  user: string;
  passwordSealed?: string;
  database?: string;
  tls?: TlsSettings;
  labels: Labels;
  backupEvidenceSql?: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** An instance as shown to callers: never the password, only whether one is set. */
export type Instance = Omit<InstanceRecord, 'passwordSealed'> & { passwordSet: boolean };

export function toPublicInstance(record: InstanceRecord): Instance {
  const { passwordSealed, ...rest } = record;
  return { ...rest, passwordSet: passwordSealed !== undefined };
}
