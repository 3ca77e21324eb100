/**
 * The vocabulary every layer shares: refusals whose message is safe to show, how an unexpected
 * failure is told without its messages, progress, the injectable sleeper, and how durations read. Depends on nothing else in fleet.
 */
package dev.fleet.base;
