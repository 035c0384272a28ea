import { Controller, Delete, Get, Post } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';

@ApiBearerAuth()
@Controller('articles')
export class ArticlesController {
  @Get() // want: GET /api/articles [rate-limit]
  findAll() {
    return [];
  }

  @Get('feed') // want: GET /api/articles/feed [auth,rate-limit]
  feed() {
    return [];
  }

  @Post(':slug/favorite') // want: POST /api/articles/{slug}/favorite [auth,rate-limit]
  favorite() {
    return true;
  }

  @Delete(':slug') // want: DELETE /api/articles/{slug} [rate-limit]
  remove() {
    return true;
  }
}
