#!/usr/bin/env node
// Install-time fix of kafkajs 2.2.4's produce retry (run by the root `postinstall` after the request-queue
// fix; idempotent). kafkajs is unmaintained; this is the hub's own change, pinned to the code it replaces.
//
// The bug: `sendMessages` retries per *broker* (kafkajs #22 fixed "retry everything" that way, and noted that
// the succeeded *partitions* should be filtered — never done). On a retry it recomputes each partition's
// leader, asks only the brokers that have not answered yet, and sends each of them every partition it now
// leads. When leaders move between attempts — a broker killed, a leader election — two things go wrong:
//   1. a partition that failed on broker B and is now led by broker A, which had already answered for its own
//      partitions, is never sent again: the send resolves without those records, and a transaction commits
//      without them (an event answered 202 that is not in Kafka);
//   2. a partition already written through A and now led by B, which still owes an answer, is sent again with
//      the next sequence numbers, so the broker appends it a second time (the same records twice in the log,
//      the cluster tests' "sameEventTwice").
//   3. a retry started as soon as one broker's request failed (Promise.all), while another broker's request was
//      still in flight and not yet counted as answered: its partitions were sent again, with the next sequence
//      numbers — duplicates even when no leader moved (seen with two payments instances on a fresh cluster).
// The fix: the retry tracks acknowledged *partitions*; every attempt sends each partition not yet acknowledged
// to its current leader, whichever broker that is, and nothing acknowledged is sent again; an attempt's
// requests all settle before the next attempt is planned. A broker's failure
// still gives back the sequence numbers of all partitions it was sent (kafkajs's own code), so a partition it
// did write is retried with the same sequence and deduplicated by the broker.
// tests/e2e/kafkajs-send-messages.test.ts drives the installed sendMessages with leaders moving between attempts.
import { applyKafkajsPatch } from './apply-kafkajs-patch.mjs';

const MARK = '// lienthong: produce retries per partition (infra/patches/kafkajs-send-messages.mjs)';

/** [original, patched] pairs, each found exactly once in src/producer/sendMessages.js of kafkajs 2.2.4. */
const EDITS = [
  [
    `    /** @type {Map<import("../../types").Broker, any[]>} */
    const responsePerBroker = new Map()

    /** @param {Map<import("../../types").Broker, any[]>} responsePerBroker */
    const createProducerRequests = async responsePerBroker => {
      const topicMetadata = new Map()
`,
    `    ${MARK}
    /** Partitions written, as \`topic|partition\`, and their responses. */
    const acknowledged = new Set()
    const responses = []

    const createProducerRequests = async () => {
      const topicMetadata = new Map()
      /** The brokers leading a partition not yet acknowledged, at this attempt. */
      const pending = []
`,
  ],
  [
    `        const partitions = keys(messagesPerPartition)
        const partitionsPerLeader`,
    `        const partitions = keys(messagesPerPartition).filter(p => !acknowledged.has(\`\${topic}|\${p}\`))
        const partitionsPerLeader`,
  ],
  [
    `          const broker = await cluster.findBroker({ nodeId })
          if (!responsePerBroker.has(broker)) {
            responsePerBroker.set(broker, null)
          }
        }
      }

      const brokers = Array.from(responsePerBroker.keys())
      const brokersWithoutResponse = brokers.filter(broker => !responsePerBroker.get(broker))

      return brokersWithoutResponse.map(async broker => {`,
    `          const broker = await cluster.findBroker({ nodeId })
          if (!pending.includes(broker)) {
            pending.push(broker)
          }
        }
      }

      return pending.map(async broker => {`,
  ],
  [
    `          responsePerBroker.set(broker, formattedResponse)
        } catch (e) {
          responsePerBroker.delete(broker)
          throw e
        } finally {`,
    `          topicData.forEach(({ topic, partitions }) => {
            partitions.forEach(entry => {
              acknowledged.add(\`\${topic}|\${entry.partition}\`)
            })
          })
          responses.push(...formattedResponse)
        } finally {`,
  ],
  [
    `        const requests = await createProducerRequests(responsePerBroker)
        await Promise.all(requests)
        return Array.from(responsePerBroker.values()).flat()`,
    `        const requests = await createProducerRequests()
        // Every request of this attempt settles before the next attempt is planned: with Promise.all a
        // broker's failure started the retry while another broker's request was still in flight, and the
        // retry sent that request's partitions again with the next sequence numbers.
        const settled = await Promise.allSettled(requests)
        const failed = settled.find(r => r.status === 'rejected')
        if (failed) throw failed.reason
        return responses`,
  ],
];

applyKafkajsPatch({
  file: 'src/producer/sendMessages.js',
  mark: MARK,
  edits: EDITS,
  what: 'produce retry',
  script: 'infra/patches/kafkajs-send-messages.mjs',
});
