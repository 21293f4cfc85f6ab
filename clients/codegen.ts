// GraphQL Code Generator: TypeScript types and typed documents for every operation in
// operations/*.graphql, from the committed SDL (../schema/schema.graphql).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema/schema.graphql",
  documents: ["operations/*.graphql"],
  generates: {
    "generated/graphql.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false },
        scalars: { DateTime: "string", Date: "string", JSON: "unknown", Upload: "File", Decimal: "string" },
      },
    },
  },
};

export default config;
