import { Command } from 'commander'

const program = new Command()
program.command('deploy').action(() => {})
