import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AuthMiddleware } from '../auth/auth.middleware';
import { ArticlesController } from './articles.controller';

@Module({ controllers: [ArticlesController] })
export class ArticlesModule implements NestModule {
  public configure(consumer: MiddlewareConsumer) {
    consumer
      .apply(AuthMiddleware)
      .forRoutes(
        { path: 'articles/feed', method: RequestMethod.GET },
        { path: 'articles/:slug/favorite', method: RequestMethod.ALL },
      );
  }
}
