/** Version of this SDK build; kept in step with `package.json`. */
export const SDK_VERSION = "0.1.0";
