import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { ListQuery } from '../../http/conventions';
import { ID_MESSAGE, ID_PATTERN, MODEL_TYPE_PATTERN } from '../../http/patterns';

export class PredictionsQuery extends ListQuery {
  @ApiPropertyOptional({ default: 'conflict_predictor' }) @IsOptional() @Matches(MODEL_TYPE_PATTERN, { message: 'model_type must be a model type name' }) model_type?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID_PATTERN, ID_MESSAGE('model_version')) model_version?: string;
  @ApiPropertyOptional({ enum: ['pending', 'correct', 'incorrect'] }) @IsOptional() @IsIn(['pending', 'correct', 'incorrect']) outcome?: 'pending' | 'correct' | 'incorrect';
  @ApiPropertyOptional() @IsOptional() @Matches(ID_PATTERN, ID_MESSAGE('user_id')) user_id?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID_PATTERN, ID_MESSAGE('entity_id')) entity_id?: string;
}
