// eslint-plugin-security as a peer of `threatmap scan sinks` on JS/TS apps:
// the recommended rules, TypeScript parsed by typescript-eslint, the same
// directories skipped as the sinks scanner skips.
import security from "eslint-plugin-security";
import tseslint from "typescript-eslint";

export default [
  { ignores: ["**/node_modules/**", "**/test/**", "**/tests/**", "**/testdata/**", "**/__tests__/**", "**/e2e/**", "**/cypress/**",
              "**/static/**", "**/public/**", "**/assets/**", "**/dist/**", "**/build/**", "**/vendor/**", "**/*.min.js", "**/*.d.ts",
              "**/*.test.*", "**/*.spec.*"] },
  { files: ["**/*.{js,mjs,cjs,jsx}"], languageOptions: { ecmaVersion: "latest", sourceType: "commonjs" }, ...security.configs.recommended },
  { files: ["**/*.{ts,tsx,mts,cts}"], languageOptions: { parser: tseslint.parser }, ...security.configs.recommended },
];
