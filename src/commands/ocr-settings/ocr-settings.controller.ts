import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CounterCommand, CounterState, ConfigurePlateFormats, OcrSettingsState, counterDecider, ocrSettingsDecider } from '../../domain/ocr-settings/ocr-settings.decider';
import { CounterEvent, OcrSettingsEvent, assetCounterStream, ocrSettingsStream } from '../../domain/ocr-settings/ocr-settings.events';
import { CLOCK, Clock } from '../../domain/shared/clock';
import { ValidationError } from '../../domain/shared/errors';
import { deterministicUuid, newId } from '../../domain/shared/ids';
import { CurrentPrincipal, Roles } from '../../http/access';
import { Principal } from '../../domain/shared/principal';
import { isPlateFormatName } from '../../domain/readings/plate-formats';
import { contextFromPrincipal, Decide } from '../../runtime/decide';
import { CounterDto, PlateFormatsDto } from './ocr-settings.dto';
import { ReadingChecks } from './reading-checks.service';

const ASSET_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Per-tenant OCR settings (role ops): plate formats, and each asset's counter. */
@ApiTags('ocr-settings')
@ApiBearerAuth()
@Controller('api/v2')
@Roles('ops')
export class OcrSettingsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly checks: ReadingChecks,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Put('ocr/plate-formats')
  @HttpCode(200)
  async configure(@CurrentPrincipal() principal: Principal, @Body() body: PlateFormatsDto) {
    const formats = body.formats.map((f) => f.trim().toUpperCase());
    const unknown = formats.filter((f) => !isPlateFormatName(f));
    if (unknown.length > 0) throw new ValidationError(`formats: unknown ${unknown.join(', ')} (country codes or L/D patterns of 2-10)`, { fields: { formats: unknown.map((u) => `unknown: ${u}`) } });
    const command: ConfigurePlateFormats = { type: 'ConfigurePlateFormats', tenantId: principal.tenant, formats, actorId: principal.sub };
    await this.commandBus.execute(new Decide<OcrSettingsState, ConfigurePlateFormats, OcrSettingsEvent>(ocrSettingsStream(principal.tenant), ocrSettingsDecider, command, contextFromPrincipal(principal, newId())));
    return this.formats(principal);
  }

  @Get('ocr/plate-formats')
  async formats(@CurrentPrincipal() principal: Principal) {
    const inForce = await this.checks.formatsInForce(principal.tenant);
    return {
      configured: inForce.configured,
      learned: inForce.learned.map((f) => ({ format: f.name, share: f.weight })),
      in_force: inForce.all.map((f) => ({ format: f.name, layout: f.layout, source: f.source, weight: f.weight })),
    };
  }

  @Put('assets/:asset_id/counter')
  @HttpCode(200)
  async declare(@CurrentPrincipal() principal: Principal, @Param('asset_id') assetId: string, @Body() body: CounterDto) {
    const id = this.asset(assetId);
    await this.decide(principal, id, { type: 'DeclareCounter', tenantId: principal.tenant, assetId: id, digits: body.digits, decimals: body.decimals, actorId: principal.sub });
    return { asset_id: id, digits: body.digits, decimals: body.decimals };
  }

  @Post('assets/:asset_id/replaced')
  @HttpCode(201)
  async replaced(@CurrentPrincipal() principal: Principal, @Param('asset_id') assetId: string) {
    const id = this.asset(assetId);
    const at = this.clock.now().toISOString();
    await this.decide(principal, id, { type: 'ReplaceCounter', tenantId: principal.tenant, assetId: id, actorId: principal.sub, at });
    return { asset_id: id, replaced_at: at };
  }

  private asset(assetId: string): string {
    if (!ASSET_ID.test(assetId)) throw new ValidationError('asset_id: 1-128 letters, digits, ".", "_", ":" or "-"', { fields: { asset_id: ['invalid'] } });
    return assetId;
  }

  private decide(principal: Principal, assetId: string, command: CounterCommand) {
    return this.commandBus.execute(
      new Decide<CounterState, CounterCommand, CounterEvent>(assetCounterStream(principal.tenant, assetId), counterDecider, command, contextFromPrincipal(principal, deterministicUuid(`counter:${principal.tenant}:${assetId}:${newId()}`))),
    );
  }
}
