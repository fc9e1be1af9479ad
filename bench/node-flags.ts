/** Node's flags for `serve`, as the Dockerfile and `npm start` run it (test/ops/node-flags.test.ts keeps them equal). */
export const NODE_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=50']
