/**
 * Stands in for `@langchain/openai` in the tooling suites (jest.config.js moduleNameMapper).
 * extensions-core's `TestHelpers.fromAction` builds a `ChatOpenAI` for its `openAIModelConfig`
 * helper mock, and its index loads the test helpers, so every suite that loads the extension would
 * evaluate LangChain and the OpenAI SDK (about 750 modules, a quarter of a CPU-second per suite,
 * some 40 suites). This extension never asks for a model; a test that did would get this class,
 * which fails loudly. The extension's own project (the house's plain ts-jest) loads the real SDK.
 */
export class ChatOpenAI {
  constructor(readonly fields: unknown) {}

  invoke(): never {
    throw new Error('@langchain/openai is not loaded in the tooling tests (jest.config.js)')
  }
}
