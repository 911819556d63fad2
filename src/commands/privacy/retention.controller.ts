import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { RetentionSettingsDto } from './retention.dto';
import { RetentionService } from './retention.service';

/** Per-tenant retention of personal data (role ops; the tenant is the token's). */
@ApiTags('privacy')
@ApiBearerAuth()
@Controller('api/v2/privacy/retention')
@Roles('ops')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Put()
  @HttpCode(200)
  configure(@CurrentPrincipal() principal: Principal, @Body() body: RetentionSettingsDto) {
    return this.retention.configure(principal.tenant, principal.sub, { photosDays: body.photos_days ?? null, platesDays: body.plates_days ?? null });
  }

  @Get()
  settings(@CurrentPrincipal() principal: Principal) {
    return this.retention.settings(principal.tenant);
  }

  @Post('run')
  @HttpCode(201)
  run(@CurrentPrincipal() principal: Principal) {
    return this.retention.run(principal.tenant, principal.sub);
  }
}
