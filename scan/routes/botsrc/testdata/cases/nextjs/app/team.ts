'use server'

import { validatedAction, withTeam } from '@/lib/auth/middleware'

export const signIn = validatedAction(schema, async (data) => {}) // want: server-action POST app/team.ts#signIn []
export const checkout = withTeam(async (formData, team) => {}) // want: server-action POST app/team.ts#checkout [auth]
