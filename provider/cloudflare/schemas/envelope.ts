/**
 * The Cloudflare v4 response envelope. Every JSON answer of the API, success or failure, has this shape;
 * `result` is parsed separately by the schema of the endpoint that was called.
 */
import { z } from "zod";

export const cfMessageSchema = z.looseObject({
  code: z.number(),
  message: z.string(),
  documentation_url: z.string().optional(),
  source: z.looseObject({ pointer: z.string().optional() }).optional(),
});
export type CfMessage = z.infer<typeof cfMessageSchema>;

/** `result_info` of paged endpoints (scripts-search, versions list). */
export const resultInfoSchema = z.looseObject({
  page: z.number().optional(),
  per_page: z.number().optional(),
  count: z.number().optional(),
  total_count: z.number().optional(),
  total_pages: z.number().optional(),
});
export type ResultInfo = z.infer<typeof resultInfoSchema>;

/** The envelope with `result` left unparsed: the request function parses it with the endpoint's schema. */
/** A list of the envelope that may come as `null` (a recorded versions list had `"errors": null, "messages": null`). */
const nullableList = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((list) => list ?? []);

export const envelopeSchema = z.looseObject({
  success: z.boolean(),
  errors: nullableList(cfMessageSchema),
  messages: nullableList(z.unknown()),
  result: z.unknown().optional(),
  result_info: resultInfoSchema.nullish(),
});
export type Envelope = z.infer<typeof envelopeSchema>;
