/**
 * Graph's answer to `GET /{phone-number-id}?fields=health_status`: whether the number can send,
 * per entity (app, business, WABA, number), with WhatsApp's reasons. Read by the connect check and
 * by the platform warnings; every field beyond the entity type is optional because Meta omits them.
 */
import { z } from 'zod';

export const HealthStatus = z.looseObject({
  health_status: z.looseObject({
    can_send_message: z.string().optional(),
    entities: z
      .array(
        z.looseObject({
          entity_type: z.string(),
          can_send_message: z.string().optional(),
          additional_info: z.array(z.string()).optional(),
          errors: z
            .array(
              z.looseObject({
                error_code: z.number().optional(),
                error_description: z.string().optional(),
                possible_solution: z.string().optional(),
              }),
            )
            .optional(),
        }),
      )
      .optional(),
  }),
});
