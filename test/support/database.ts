/** The suite's test databases come from the database package's test harness (one server for every suite). */
export * from "@focus/embedded-mongo/testing";
