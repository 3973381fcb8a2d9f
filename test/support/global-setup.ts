/** One database server for the whole run, as the database package's own suite starts it (see there). */
export { default } from "@focus/embedded-mongo/testing/global-setup";
