/**
 * The OpenAPI 3.1 document, generated from the route table and its zod request schemas.
 */
import { z } from "zod";
import type { RouteDef } from "./routes";

const json = (schema: z.ZodType): Record<string, unknown> => {
  const out = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  delete out.$schema;
  return out;
};

function parameters(where: "path" | "query", schema: z.ZodObject | undefined): Record<string, unknown>[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, s]) => {
    const field = s as z.ZodType;
    return {
      name,
      in: where,
      required: where === "path" || !field.safeParse(undefined).success,
      ...(field.description ? { description: field.description } : {}),
      schema: json(field),
    };
  });
}

export function openApiDocument(routes: readonly RouteDef[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorResponse = { description: "error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  for (const r of routes) {
    const p = `/api/v1${r.path.replace(/:([A-Za-z]+)/g, "{$1}")}`;
    paths[p] ??= {};
    paths[p][r.method] = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      parameters: [...parameters("path", r.params), ...parameters("query", r.query)],
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: json(r.body) } } } } : {}),
      ...(r.regulator ? { security: [{ bearer: [] }] } : {}),
      responses: {
        "200": { description: "OK", content: { "application/json": { schema: r.response ?? { type: "object" } } } },
        "400": errorResponse,
        ...(r.regulator ? { "401": errorResponse, "403": errorResponse } : {}),
        ...(r.params ? { "404": errorResponse } : {}),
        "429": errorResponse,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { ...info, description: "Provenant ledger-service: public disclosure and regulator API (公共数据授权运营)." },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "token from POST /api/v1/auth/token" } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message", "details"],
              properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
            },
          },
        },
      },
    },
  };
}
