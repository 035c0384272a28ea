import { Body, Controller, Delete, Get, Param, Post, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { RolesGuard } from '../auth/roles.guard';

@Controller('cats')
export class CatsController {
  @Get() // want: GET /api/cats [rate-limit]
  findAll() {
    return [];
  }

  @Get(':id') // want: GET /api/cats/{id} [rate-limit]
  findOne(@Param('id') id: string) {
    return {};
  }

  @Post() // want: POST /api/cats [auth,rate-limit]
  @UseGuards(JwtAuthGuard)
  create(@Body() dto: unknown) {
    return dto;
  }

  @SkipThrottle()
  @UseGuards(JwtAuthGuard, RolesGuard)
  @Delete(':id') // want: DELETE /api/cats/{id} [auth]
  remove(@Param('id') id: string) {
    return id;
  }
}

@Controller({ path: 'admin/cats' })
@UseGuards(JwtAuthGuard)
export class AdminCatsController {
  @Post('purge') // want: POST /api/admin/cats/purge [auth,rate-limit] #admin
  purge() {
    return true;
  }
}
