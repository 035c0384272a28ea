import { Worker } from 'bullmq'
import cron from 'node-cron'
import { Kafka } from 'kafkajs'

const QUEUE = 'emails'

new Worker(QUEUE, async (job) => { await send(job.data) }) // want: queue CONSUME emails []
new Worker(process.env.Q!, async () => {}) // want-unresolved

cron.schedule('0 3 * * *', nightly) // want: cron SCHEDULE 0 3 * * * []

const consumer = new Kafka({ brokers: [] }).consumer({ groupId: 'g' })
await consumer.subscribe({ topic: 'orders', fromBeginning: true }) // want: queue CONSUME orders []
